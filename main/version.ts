import pkg from '../package.json'

export const WORKBENCH_VERSION: string = pkg.version
