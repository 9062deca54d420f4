// Prettier: the project's formatting (print width 120), checked by `npm run check`; `npm run format` applies it.
export default { printWidth: 120 };
