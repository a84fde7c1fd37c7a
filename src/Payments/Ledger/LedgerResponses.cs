namespace Marketplace.Payments.Ledger;


/// <summary>A seller's balance in one currency: what the platform owes it.</summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amount">What is owed, in the currency's units.</param>
/// <param name="AmountMinor">The same in minor units (cents), as the ledger keeps it.</param>
public sealed record BalanceRow(string Currency, decimal Amount, long AmountMinor);

/// <summary>What the platform owes a seller, per currency, from the ledger.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Balances">One row per currency the seller has been paid in; empty before its first captured order.</param>
public sealed record SellerBalanceResponse(Guid SellerId, IReadOnlyList<BalanceRow> Balances);

/// <summary>One line of a seller's statement: one movement on its payable account.</summary>
/// <param name="Sequence">The line's place in the ledger's write order.</param>
/// <param name="RecordedAt">When it was booked.</param>
/// <param name="TransactionId">The balanced ledger transaction it belongs to.</param>
/// <param name="Kind">The business event: <c>capture</c>.</param>
/// <param name="Reason">Why: <c>order_share</c> (the order's share of a capture, less commission).</param>
/// <param name="OrderId">The seller order it is about.</param>
/// <param name="OrderNumber">That order's number.</param>
/// <param name="Amount">Credited to the seller (positive) or taken back (negative), in the currency's units.</param>
/// <param name="Currency">ISO 4217 code.</param>
public sealed record StatementRow(
    long Sequence, DateTimeOffset RecordedAt, Guid TransactionId, string Kind, string Reason, Guid? OrderId, string? OrderNumber, decimal Amount, string Currency);

/// <summary>One platform account's balance in one currency.</summary>
/// <param name="Account">The account: <c>buyer_funds</c>, <c>platform_revenue</c>, <c>provider:{name}</c>, or <c>seller_payable</c> (all sellers together).</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amount">Debits minus credits, in the currency's units: positive for money held (the provider's balance), negative for money owed or earned (sellers' payables, revenue).</param>
/// <param name="AmountMinor">The same in minor units.</param>
public sealed record AccountBalanceRow(string Account, string Currency, decimal Amount, long AmountMinor);

/// <summary>The platform's ledger accounts; every currency's amounts add up to zero, as every transaction does.</summary>
/// <param name="Accounts">One row per account and currency.</param>
public sealed record LedgerBalancesResponse(IReadOnlyList<AccountBalanceRow> Accounts);
