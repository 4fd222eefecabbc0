import { Type } from 'typebox';
import { ID_MAX } from '../shared/schema-types.js';

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });

export const SubscriberParams = Type.Object({ id: Id, personId: Id });
