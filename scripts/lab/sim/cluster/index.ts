// registers the cluster area's commands and services (see ../registry.ts)
export {};
