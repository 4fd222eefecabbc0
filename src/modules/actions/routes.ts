import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
export const actionRoutes: FastifyPluginAsyncTypebox = async () => {};
