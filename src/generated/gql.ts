/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Activity($from: LocalDate!, $to: LocalDate!, $timeZone: String = \"America/Argentina/Buenos_Aires\", $filter: ActivityFilter, $first: Int = 50, $after: String) {\n  activity(\n    from: $from\n    to: $to\n    timeZone: $timeZone\n    filter: $filter\n    first: $first\n    after: $after\n  ) {\n    partial\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      provider\n      createdAt\n      kind\n      direction\n      status\n      amount {\n        amount\n        currency\n      }\n      counterparty {\n        name\n      }\n    }\n  }\n}": typeof types.ActivityDocument,
    "query BalanceReport($from: LocalDate!, $to: LocalDate!) {\n  account(provider: TUPAY) {\n    id\n    balanceReport(from: $from, to: $to) {\n      date\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n}": typeof types.BalanceReportDocument,
    "query CashinById($id: ID!) {\n  cashin(id: $id) {\n    id\n    provider\n    amount {\n      amount\n      currency\n    }\n    concept\n    description\n    buyer {\n      name\n      cuit\n      cbu\n    }\n  }\n}": typeof types.CashinByIdDocument,
    "query CashoutWithVoucher($id: ID!) {\n  cashout(id: $id) {\n    id\n    provider\n    voucher\n  }\n}": typeof types.CashoutWithVoucherDocument,
    "query Dashboard($from: LocalDate!, $to: LocalDate!) {\n  accounts {\n    id\n    provider\n    balance {\n      amount\n      currency\n    }\n    balances {\n      amount\n      currency\n    }\n  }\n  telepagos: account(provider: TELEPAGOS) {\n    id\n    transactions(from: $from, to: $to, first: 50) {\n      totalCount\n      nodes {\n        id\n        kind\n        direction\n        status\n        createdAt\n        amount {\n          amount\n          currency\n        }\n        counterparty {\n          name\n        }\n        salePoint {\n          id\n          name\n        }\n      }\n    }\n  }\n}": typeof types.DashboardDocument,
    "query NodeLookup($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Account {\n      provider\n      balance {\n        amount\n        currency\n      }\n    }\n    ... on SalePoint {\n      name\n      salePointStatus: status\n    }\n    ... on Cashout {\n      provider\n    }\n    ... on Cashin {\n      provider\n      amount {\n        amount\n        currency\n      }\n    }\n    ... on Payment {\n      provider\n      paymentStatus: status\n    }\n    ... on Transaction {\n      provider\n      kind\n      transactionStatus: status\n    }\n  }\n}": typeof types.NodeLookupDocument,
    "query PaymentById($id: ID!) {\n  payment(id: $id) {\n    id\n    provider\n    status\n    externalId\n    amount {\n      amount\n      currency\n    }\n    amountReceived {\n      amount\n      currency\n    }\n    paymentUrl\n    transferDestinations {\n      cvu\n      alias\n    }\n    createdAt\n    expiresAt\n  }\n}": typeof types.PaymentByIdDocument,
    "query ReferenceData {\n  paymentConcepts {\n    id\n    description\n  }\n  transactionOperations {\n    id\n    name\n    type\n  }\n}": typeof types.ReferenceDataDocument,
    "query SalePointsWithQr($amountType: QrAmountType! = OPEN) {\n  salePoints {\n    id\n    name\n    status\n    staticQr(amountType: $amountType)\n  }\n}": typeof types.SalePointsWithQrDocument,
    "query MonthlyStatistics($period: String!) {\n  statistics(period: $period) {\n    period\n    openCvuCount\n    totalCashin\n    totalCashout\n    paymentServicesCount\n    smsSentCount\n  }\n}": typeof types.MonthlyStatisticsDocument,
    "query TupayTransactions($from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter, $first: Int = 50, $after: String) {\n  account(provider: TUPAY) {\n    id\n    transactions(\n      from: $from\n      to: $to\n      filter: $filter\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          kind\n          direction\n          status\n          providerStatus\n          operation\n          createdAt\n          amount {\n            amount\n            currency\n          }\n          counterparty {\n            name\n            document\n          }\n        }\n      }\n    }\n  }\n}": typeof types.TupayTransactionsDocument,
};
const documents: Documents = {
    "query Activity($from: LocalDate!, $to: LocalDate!, $timeZone: String = \"America/Argentina/Buenos_Aires\", $filter: ActivityFilter, $first: Int = 50, $after: String) {\n  activity(\n    from: $from\n    to: $to\n    timeZone: $timeZone\n    filter: $filter\n    first: $first\n    after: $after\n  ) {\n    partial\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      provider\n      createdAt\n      kind\n      direction\n      status\n      amount {\n        amount\n        currency\n      }\n      counterparty {\n        name\n      }\n    }\n  }\n}": types.ActivityDocument,
    "query BalanceReport($from: LocalDate!, $to: LocalDate!) {\n  account(provider: TUPAY) {\n    id\n    balanceReport(from: $from, to: $to) {\n      date\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n}": types.BalanceReportDocument,
    "query CashinById($id: ID!) {\n  cashin(id: $id) {\n    id\n    provider\n    amount {\n      amount\n      currency\n    }\n    concept\n    description\n    buyer {\n      name\n      cuit\n      cbu\n    }\n  }\n}": types.CashinByIdDocument,
    "query CashoutWithVoucher($id: ID!) {\n  cashout(id: $id) {\n    id\n    provider\n    voucher\n  }\n}": types.CashoutWithVoucherDocument,
    "query Dashboard($from: LocalDate!, $to: LocalDate!) {\n  accounts {\n    id\n    provider\n    balance {\n      amount\n      currency\n    }\n    balances {\n      amount\n      currency\n    }\n  }\n  telepagos: account(provider: TELEPAGOS) {\n    id\n    transactions(from: $from, to: $to, first: 50) {\n      totalCount\n      nodes {\n        id\n        kind\n        direction\n        status\n        createdAt\n        amount {\n          amount\n          currency\n        }\n        counterparty {\n          name\n        }\n        salePoint {\n          id\n          name\n        }\n      }\n    }\n  }\n}": types.DashboardDocument,
    "query NodeLookup($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Account {\n      provider\n      balance {\n        amount\n        currency\n      }\n    }\n    ... on SalePoint {\n      name\n      salePointStatus: status\n    }\n    ... on Cashout {\n      provider\n    }\n    ... on Cashin {\n      provider\n      amount {\n        amount\n        currency\n      }\n    }\n    ... on Payment {\n      provider\n      paymentStatus: status\n    }\n    ... on Transaction {\n      provider\n      kind\n      transactionStatus: status\n    }\n  }\n}": types.NodeLookupDocument,
    "query PaymentById($id: ID!) {\n  payment(id: $id) {\n    id\n    provider\n    status\n    externalId\n    amount {\n      amount\n      currency\n    }\n    amountReceived {\n      amount\n      currency\n    }\n    paymentUrl\n    transferDestinations {\n      cvu\n      alias\n    }\n    createdAt\n    expiresAt\n  }\n}": types.PaymentByIdDocument,
    "query ReferenceData {\n  paymentConcepts {\n    id\n    description\n  }\n  transactionOperations {\n    id\n    name\n    type\n  }\n}": types.ReferenceDataDocument,
    "query SalePointsWithQr($amountType: QrAmountType! = OPEN) {\n  salePoints {\n    id\n    name\n    status\n    staticQr(amountType: $amountType)\n  }\n}": types.SalePointsWithQrDocument,
    "query MonthlyStatistics($period: String!) {\n  statistics(period: $period) {\n    period\n    openCvuCount\n    totalCashin\n    totalCashout\n    paymentServicesCount\n    smsSentCount\n  }\n}": types.MonthlyStatisticsDocument,
    "query TupayTransactions($from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter, $first: Int = 50, $after: String) {\n  account(provider: TUPAY) {\n    id\n    transactions(\n      from: $from\n      to: $to\n      filter: $filter\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          kind\n          direction\n          status\n          providerStatus\n          operation\n          createdAt\n          amount {\n            amount\n            currency\n          }\n          counterparty {\n            name\n            document\n          }\n        }\n      }\n    }\n  }\n}": types.TupayTransactionsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Activity($from: LocalDate!, $to: LocalDate!, $timeZone: String = \"America/Argentina/Buenos_Aires\", $filter: ActivityFilter, $first: Int = 50, $after: String) {\n  activity(\n    from: $from\n    to: $to\n    timeZone: $timeZone\n    filter: $filter\n    first: $first\n    after: $after\n  ) {\n    partial\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      provider\n      createdAt\n      kind\n      direction\n      status\n      amount {\n        amount\n        currency\n      }\n      counterparty {\n        name\n      }\n    }\n  }\n}"): (typeof documents)["query Activity($from: LocalDate!, $to: LocalDate!, $timeZone: String = \"America/Argentina/Buenos_Aires\", $filter: ActivityFilter, $first: Int = 50, $after: String) {\n  activity(\n    from: $from\n    to: $to\n    timeZone: $timeZone\n    filter: $filter\n    first: $first\n    after: $after\n  ) {\n    partial\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      provider\n      createdAt\n      kind\n      direction\n      status\n      amount {\n        amount\n        currency\n      }\n      counterparty {\n        name\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BalanceReport($from: LocalDate!, $to: LocalDate!) {\n  account(provider: TUPAY) {\n    id\n    balanceReport(from: $from, to: $to) {\n      date\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n}"): (typeof documents)["query BalanceReport($from: LocalDate!, $to: LocalDate!) {\n  account(provider: TUPAY) {\n    id\n    balanceReport(from: $from, to: $to) {\n      date\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CashinById($id: ID!) {\n  cashin(id: $id) {\n    id\n    provider\n    amount {\n      amount\n      currency\n    }\n    concept\n    description\n    buyer {\n      name\n      cuit\n      cbu\n    }\n  }\n}"): (typeof documents)["query CashinById($id: ID!) {\n  cashin(id: $id) {\n    id\n    provider\n    amount {\n      amount\n      currency\n    }\n    concept\n    description\n    buyer {\n      name\n      cuit\n      cbu\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CashoutWithVoucher($id: ID!) {\n  cashout(id: $id) {\n    id\n    provider\n    voucher\n  }\n}"): (typeof documents)["query CashoutWithVoucher($id: ID!) {\n  cashout(id: $id) {\n    id\n    provider\n    voucher\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboard($from: LocalDate!, $to: LocalDate!) {\n  accounts {\n    id\n    provider\n    balance {\n      amount\n      currency\n    }\n    balances {\n      amount\n      currency\n    }\n  }\n  telepagos: account(provider: TELEPAGOS) {\n    id\n    transactions(from: $from, to: $to, first: 50) {\n      totalCount\n      nodes {\n        id\n        kind\n        direction\n        status\n        createdAt\n        amount {\n          amount\n          currency\n        }\n        counterparty {\n          name\n        }\n        salePoint {\n          id\n          name\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Dashboard($from: LocalDate!, $to: LocalDate!) {\n  accounts {\n    id\n    provider\n    balance {\n      amount\n      currency\n    }\n    balances {\n      amount\n      currency\n    }\n  }\n  telepagos: account(provider: TELEPAGOS) {\n    id\n    transactions(from: $from, to: $to, first: 50) {\n      totalCount\n      nodes {\n        id\n        kind\n        direction\n        status\n        createdAt\n        amount {\n          amount\n          currency\n        }\n        counterparty {\n          name\n        }\n        salePoint {\n          id\n          name\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NodeLookup($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Account {\n      provider\n      balance {\n        amount\n        currency\n      }\n    }\n    ... on SalePoint {\n      name\n      salePointStatus: status\n    }\n    ... on Cashout {\n      provider\n    }\n    ... on Cashin {\n      provider\n      amount {\n        amount\n        currency\n      }\n    }\n    ... on Payment {\n      provider\n      paymentStatus: status\n    }\n    ... on Transaction {\n      provider\n      kind\n      transactionStatus: status\n    }\n  }\n}"): (typeof documents)["query NodeLookup($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Account {\n      provider\n      balance {\n        amount\n        currency\n      }\n    }\n    ... on SalePoint {\n      name\n      salePointStatus: status\n    }\n    ... on Cashout {\n      provider\n    }\n    ... on Cashin {\n      provider\n      amount {\n        amount\n        currency\n      }\n    }\n    ... on Payment {\n      provider\n      paymentStatus: status\n    }\n    ... on Transaction {\n      provider\n      kind\n      transactionStatus: status\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PaymentById($id: ID!) {\n  payment(id: $id) {\n    id\n    provider\n    status\n    externalId\n    amount {\n      amount\n      currency\n    }\n    amountReceived {\n      amount\n      currency\n    }\n    paymentUrl\n    transferDestinations {\n      cvu\n      alias\n    }\n    createdAt\n    expiresAt\n  }\n}"): (typeof documents)["query PaymentById($id: ID!) {\n  payment(id: $id) {\n    id\n    provider\n    status\n    externalId\n    amount {\n      amount\n      currency\n    }\n    amountReceived {\n      amount\n      currency\n    }\n    paymentUrl\n    transferDestinations {\n      cvu\n      alias\n    }\n    createdAt\n    expiresAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReferenceData {\n  paymentConcepts {\n    id\n    description\n  }\n  transactionOperations {\n    id\n    name\n    type\n  }\n}"): (typeof documents)["query ReferenceData {\n  paymentConcepts {\n    id\n    description\n  }\n  transactionOperations {\n    id\n    name\n    type\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SalePointsWithQr($amountType: QrAmountType! = OPEN) {\n  salePoints {\n    id\n    name\n    status\n    staticQr(amountType: $amountType)\n  }\n}"): (typeof documents)["query SalePointsWithQr($amountType: QrAmountType! = OPEN) {\n  salePoints {\n    id\n    name\n    status\n    staticQr(amountType: $amountType)\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MonthlyStatistics($period: String!) {\n  statistics(period: $period) {\n    period\n    openCvuCount\n    totalCashin\n    totalCashout\n    paymentServicesCount\n    smsSentCount\n  }\n}"): (typeof documents)["query MonthlyStatistics($period: String!) {\n  statistics(period: $period) {\n    period\n    openCvuCount\n    totalCashin\n    totalCashout\n    paymentServicesCount\n    smsSentCount\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TupayTransactions($from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter, $first: Int = 50, $after: String) {\n  account(provider: TUPAY) {\n    id\n    transactions(\n      from: $from\n      to: $to\n      filter: $filter\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          kind\n          direction\n          status\n          providerStatus\n          operation\n          createdAt\n          amount {\n            amount\n            currency\n          }\n          counterparty {\n            name\n            document\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query TupayTransactions($from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter, $first: Int = 50, $after: String) {\n  account(provider: TUPAY) {\n    id\n    transactions(\n      from: $from\n      to: $to\n      filter: $filter\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          kind\n          direction\n          status\n          providerStatus\n          operation\n          createdAt\n          amount {\n            amount\n            currency\n          }\n          counterparty {\n            name\n            document\n          }\n        }\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;