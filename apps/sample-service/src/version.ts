// service.version comes from package.json, so a release bump is one edit.
import packageJson from "../package.json" with { type: "json" };

export const SERVICE_VERSION: string = packageJson.version;
