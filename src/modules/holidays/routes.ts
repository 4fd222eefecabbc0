import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
export const holidayRoutes: FastifyPluginAsyncTypebox = async () => {};
