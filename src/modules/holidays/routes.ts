import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { HOLIDAY_SOURCES } from '../../domain/vocabulary.js';
import { DateString, NonEmpty, StringEnum } from '../shared/schema-types.js';
import { problemResponses } from '../../http/schemas.js';
import { NotFoundError } from '../../errors.js';

const tags = ['holidays'];
const HolidaySchema = Type.Object(
  {
    date: Type.String({ format: 'date' }),
    name: Type.String(),
    source: StringEnum(HOLIDAY_SOURCES, { description: 'Shipped England & Wales bank holiday, or added by the council' }),
  },
  { $id: 'Holiday', additionalProperties: false },
);
const DateParams = Type.Object({ date: DateString() });

export const holidayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const holidays = app.services.holidays;

  app.get('/holidays', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listHolidays', tags, summary: 'Non-working days: bank holidays and council closure days',
      querystring: Type.Object({ from: Type.Optional(DateString()), to: Type.Optional(DateString()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(HolidaySchema) }), ...problemResponses() },
    },
  }, async (request) => ({ data: await holidays.list(request.query.from, request.query.to) }));

  app.get('/holidays/:date', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getHoliday', tags, summary: 'Whether a date is a holiday',
      params: DateParams,
      response: { 200: HolidaySchema, ...problemResponses(404) },
    },
  }, async (request) => {
    const found = (await holidays.list(request.params.date, request.params.date))[0];
    if (!found) throw new NotFoundError('Holiday', request.params.date);
    return found;
  });

  app.put('/holidays/:date', {
    config: { scope: 'admin', sharedByCouncils: 'the holiday calendar' },
    schema: {
      operationId: 'putHoliday', tags,
      summary: 'Add a closure day (or rename a holiday); every agenda despatch date is recomputed',
      params: DateParams,
      body: Type.Object({ name: NonEmpty(200) }, { additionalProperties: false }),
      response: { 200: HolidaySchema, 201: HolidaySchema, ...problemResponses() },
    },
  }, async (request, reply) => {
    const added = await holidays.put(actorOf(request), request.params.date, request.body.name);
    const entry = (await holidays.list(request.params.date, request.params.date))[0]!;
    return reply.code(added ? 201 : 200).send(entry);
  });

  app.delete('/holidays/:date', {
    config: { scope: 'admin', sharedByCouncils: 'the holiday calendar' },
    schema: {
      operationId: 'deleteHoliday', tags,
      summary: 'Make a date a working day (removes a closure day or overrides a bank holiday)',
      params: DateParams,
      response: { 204: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    if (!await holidays.remove(actorOf(request), request.params.date)) throw new NotFoundError('Holiday', request.params.date);
    return reply.code(204).send(null);
  });
};
