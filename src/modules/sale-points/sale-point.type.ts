import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';

/** GraphQL value of a SalePoint (staticQr is resolved on demand). */
export interface SalePointValue {
  __typename: 'SalePoint';
  id: string;
  localId: string;
  name: string;
  status: string;
}

@ObjectType({ implements: Node, description: 'A TelePagos sale point (a till with its own static QR).' })
export class SalePoint extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'active or inactive.' })
  status!: string;
}
