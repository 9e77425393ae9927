// registers the os area's commands and services (see ../registry.ts)
export {};
