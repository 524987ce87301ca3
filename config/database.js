'use strict';

// sequelize-cli settings: the same DATABASE_URL the app reads.
const settings = { use_env_variable: 'DATABASE_URL', dialect: 'postgres', logging: false };

module.exports = { development: settings, test: settings, production: settings };
