// registers the node area's commands and services (see ../registry.ts)
export {};
