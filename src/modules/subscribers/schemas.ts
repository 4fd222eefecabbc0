import { Type } from 'typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

export const SubscriberParams = Type.Object({ id: Id, personId: Id });
