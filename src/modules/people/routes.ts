import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
export const personRoutes: FastifyPluginAsyncTypebox = async () => {};
