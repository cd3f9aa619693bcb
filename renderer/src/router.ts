import { createRouter, createWebHashHistory } from 'vue-router'
import { areas } from './areas'

export const router = createRouter({
  // hash history: works the same under app:// in Electron and over HTTP in the web host
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: `/${areas[0].id}` },
    ...areas.map((area) => ({ path: `/${area.id}`, name: area.id, component: area.view, meta: { area } })),
    { path: '/:rest(.*)*', redirect: `/${areas[0].id}` }
  ]
})
