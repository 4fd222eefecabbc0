import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
export const resolutionRoutes: FastifyPluginAsyncTypebox = async () => {};
