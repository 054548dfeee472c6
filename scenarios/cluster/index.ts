export { ServerGroup, serverNames, type Leadership, type ServerGroupOptions, type ServerRef } from './group.ts';
