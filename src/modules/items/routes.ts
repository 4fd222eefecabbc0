import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
export const itemRoutes: FastifyPluginAsyncTypebox = async () => {};
