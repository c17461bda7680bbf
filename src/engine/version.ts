// The tool's name and version as written into every report (kept in step with package.json by a test).
export const TOOL_NAME = 'spatten-profiler';
export const TOOL_VERSION = '0.1.0';
