import { createPinia } from 'pinia'
import { createApp } from 'vue'
import VueKonva from 'vue-konva'
import App from './App.vue'
import { ensureApi } from './api/client'
import { router } from './router'
import './styles.css'

ensureApi()
createApp(App).use(createPinia()).use(router).use(VueKonva).mount('#app')
