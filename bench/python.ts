/** Whether python3 with numpy is available for the bench baselines (a message says so when it is not). */
import { execFileSync } from "node:child_process";

export function hasNumpy(): boolean {
  try {
    execFileSync("python3", ["-c", "import numpy"], { stdio: "ignore" });
    return true;
  } catch {
    console.log("python3 with numpy not found: NumPy timings skipped");
    return false;
  }
}
