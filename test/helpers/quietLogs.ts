// The server's request log would fill the test output: tests that read the log pass their own logger.
process.env.LOG_LEVEL ??= 'silent';
