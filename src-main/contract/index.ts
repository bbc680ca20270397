export * from './api.ts';
export * from './errors.ts';
export * from './folder.ts';
export * from './media-url.ts';
export * from './photo.ts';
export * from './queue.ts';
export * from './recipe.ts';
export * from './settings.ts';
