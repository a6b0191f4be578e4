import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The other side of a movement of money, as far as the provider tells.' })
export class Counterparty {
  @Field(() => String, { nullable: true, description: 'Holder name.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'CUIT/CUIL (Argentina).' })
  cuit?: string;

  @Field(() => String, { nullable: true, description: 'CBU or CVU (Argentina).' })
  cbu?: string;

  @Field(() => String, { nullable: true, description: 'Identity document (Tupay: the customer document).' })
  document?: string;
}
