// Worker bootstrap (plain JavaScript, so Node can start it): register tsx, then run the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./task-worker.ts");
