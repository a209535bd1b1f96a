process.env.TEST_MOUNT_PATH = '/auth';
