using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.TestSupport;

/// <summary>
/// An in-test double of the part of Stripe's API that Payments uses, on a real Kestrel listener on 127.0.0.1, as strict
/// as Stripe's documentation: form-encoded bodies with bracketed keys, a Bearer secret key (401 otherwise), unknown
/// parameters refused (400 <c>parameter_unknown</c>), <c>Idempotency-Key</c> replays the stored status and body
/// (<c>Idempotent-Replayed: true</c>) while the same key with another path or other parameters is a 400
/// <c>idempotency_error</c>, and validation failures are not stored. PaymentIntents (create with confirm, retrieve
/// with <c>expand[]=latest_charge</c>, cancel, capture with <c>amount_to_capture</c> at most <c>amount_capturable</c>, the
/// rest released, once) and refunds follow Stripe's state rules, each capture and refund makes a balance transaction
/// (listed newest first by <c>GET /v1/balance_transactions</c>, paged with <c>limit</c>, <c>starting_after</c>,
/// <c>ending_before</c> and <c>has_more</c>, filtered by <c>created[gte|gt|lte|lt]</c>, <c>type</c>, <c>currency</c>
/// and <c>source</c>, with <c>expand[]=data.source</c>), and an authorisation not captured by its
/// <c>capture_before</c> is canceled with reason <c>automatic</c>; the test payment methods behave as Stripe's (<c>pm_card_visa</c> authorises, <c>pm_card_chargeDeclined…</c>
/// answer 402 <c>card_error</c> leaving the intent <c>requires_payment_method</c>, <c>pm_card_authenticationRequired</c>
/// asks for <c>use_stripe_sdk</c>, an unknown id is 400 <c>resource_missing</c>). It writes Stripe's JSON field names
/// itself, not Stripe.net's types, so a client that misreads the documented shape fails against it. Tests play the
/// customer's 3-D Secure step (<see cref="CompleteAction"/>, <see cref="FailAction"/>) and make signed events of the
/// intents' current state (<see cref="EventAbout"/>, <see cref="Sign"/>). Connect: Express accounts (made waiting for
/// onboarding, with requirements due and transfers inactive, until a test plays <see cref="CompleteOnboarding"/>),
/// account links, and transfers, refused to an account that cannot take them and beyond what their
/// <c>source_transaction</c> charge has left. Disputes: a test plays the customer's bank (<see cref="OpenDispute"/>,
/// <see cref="UpdateDispute"/>, <see cref="CloseDispute"/>); as Stripe does, opening withdraws the amount with a
/// balance transaction of type <c>adjustment</c> that carries the dispute fee, a won dispute reinstates the amount, and
/// <c>GET /v1/disputes/{id}</c> answers the dispute with its balance transactions. <see cref="DisputeEvent"/> and
/// <see cref="AccountEvent"/> make events of a dispute's or an account's current state. Transfer reversals (<c>POST /v1/transfers/{id}/reversals</c>), at most what
/// is left of the transfer, each with a <c>transfer_refund</c> balance transaction. Tests can make the double hold a kind
/// of request until released (<see cref="Hold"/>), carry one out and lose its answer (<see cref="LoseAnswers"/>), as a
/// dropped connection does, drop one before Stripe sees it (<see cref="Unreachable"/>), or refuse one
/// (<see cref="Refuse"/>), as Stripe refuses a transfer its balance cannot cover.
/// As Stripe, an idempotent answer (a refusal too) is kept 24 hours by <see cref="Clock"/>, then the key is new again.
/// </summary>
public sealed class StripeDouble : IAsyncDisposable
{
    public const string SecretKey = "sk_test_double_4eC39HqLyjWDarjtT1zdp7dc";
    public const string WebhookSecret = "whsec_double_7f3a9c1e5b2d4f6a8c0e";

    /// <summary>What Stripe charges for a dispute, in minor units (15.00 in EUR), withheld with the withdrawal.</summary>
    public const long DisputeFee = 1500;

    /// <summary>How long Stripe holds an online card authorisation before it lapses (<c>capture_before</c>).</summary>
    public static readonly TimeSpan AuthorizationValidity = TimeSpan.FromDays(7);

    private static readonly string[] CancelableStatuses = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    private static readonly Dictionary<string, TestCard> Cards = new(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = new(Outcome.Authorizes, "visa", "4242"),
        ["pm_card_mastercard"] = new(Outcome.Authorizes, "mastercard", "4444"),
        ["pm_card_amex"] = new(Outcome.Authorizes, "amex", "8431"),
        ["pm_card_chargeDeclined"] = new(Outcome.Declines, "visa", "0002", "generic_decline", "Your card was declined."),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new(Outcome.Declines, "visa", "9995", "insufficient_funds", "Your card has insufficient funds."),
        ["pm_card_chargeDeclinedExpiredCard"] = new(Outcome.Declines, "visa", "0069", "expired_card", "Your card has expired."),
        ["pm_card_authenticationRequired"] = new(Outcome.RequiresAction, "visa", "3184"),
        ["pm_card_threeDSecure2Required"] = new(Outcome.RequiresAction, "visa", "3220"),
    };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Intent> _intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Charge> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _refunds = new(StringComparer.Ordinal);
    private readonly List<BalanceTransaction> _balance = [];
    private readonly Dictionary<string, StoredAnswer> _idempotent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConnectedAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _transfers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Disputed> _disputes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _reversals = new(StringComparer.Ordinal);
    private readonly List<Gate> _gates = [];
    private readonly List<Loss> _losses = [];
    private readonly List<Refusal> _refusals = [];
    private readonly List<Loss> _unreached = [];
    private WebApplication? _app;
    private int _port;
    private int _calls;

    private enum Outcome
    {
        Authorizes,
        Declines,
        RequiresAction,
    }

    private sealed record TestCard(Outcome Outcome, string Brand, string Last4, string? DeclineCode = null, string? Message = null);

    /// <summary>
    /// A movement of the account's balance: a charge captured or a transfer reversed (positive), a refund or transfer
    /// (negative), a dispute's withdrawal (negative, with the dispute fee) or reinstatement (positive). Only disputes carry a fee.
    /// </summary>
    private sealed record BalanceTransaction(string Id, string Type, long Amount, string Currency, string Source, long Created, long Sequence, long Fee = 0, string? Category = null);

    /// <summary>A dispute of a captured charge, with the ids of its balance transactions, oldest first.</summary>
    private sealed class Disputed
    {
        public required string Id { get; init; }
        public required string Charge { get; init; }
        public required string PaymentIntent { get; init; }
        public required long Amount { get; init; }
        public required string Currency { get; init; }
        public required string Reason { get; init; }
        public required long Created { get; init; }
        public string Status { get; set; } = "needs_response";
        public List<string> BalanceTransactions { get; } = [];
    }

    private sealed record StoredAnswer(string Method, string Path, string Parameters, int Status, string Body, DateTimeOffset At);

    /// <summary>How long Stripe keeps an idempotency key's answer (it prunes keys "after they're at least 24 hours old").</summary>
    public static readonly TimeSpan IdempotencyKeyLife = TimeSpan.FromHours(24);

    private sealed record Answer(int Status, JsonObject Body, bool Stored = true, bool Replayed = false);

    /// <summary>Requests of a method whose path starts so wait until released; <see cref="Arrived"/> tells that one came.</summary>
    public sealed class Gate(string method, string pathStart)
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _waiting;

        /// <summary>Completes when the first held request has arrived.</summary>
        public Task Arrived => _arrived.Task;

        /// <summary>How many requests have arrived at the gate so far.</summary>
        public int Arrivals => Volatile.Read(ref _waiting);

        /// <summary>Lets the held requests, and any later ones, through.</summary>
        public void Release() => _released.TrySetResult();

        internal bool Matches(string requestMethod, string path) => requestMethod == method && path.StartsWith(pathStart, StringComparison.Ordinal);

        internal Task WaitAsync()
        {
            Interlocked.Increment(ref _waiting);
            _arrived.TrySetResult();
            return _released.Task;
        }
    }

    private class Loss(string method, string pathStart, int times)
    {
        public string Method { get; } = method;

        public string PathStart { get; } = pathStart;

        public int Left { get; set; } = times;

        public bool Matches(string requestMethod, string path) => Left > 0 && requestMethod == Method && path.StartsWith(PathStart, StringComparison.Ordinal);
    }

    private sealed class Refusal(string method, string pathStart, int times, string code, string message) : Loss(method, pathStart, times)
    {
        public string Code { get; } = code;

        public string Message { get; } = message;
    }

    private sealed class Intent
    {
        public required string Id { get; init; }
        public required long Amount { get; init; }
        public required string Currency { get; init; }
        public required string CaptureMethod { get; init; }
        public required string ClientSecret { get; init; }
        public required long Created { get; init; }
        public required Dictionary<string, string> Metadata { get; init; }
        public string? PaymentMethod { get; set; }
        public string Status { get; set; } = "requires_payment_method";
        public long AmountCapturable { get; set; }
        public long AmountReceived { get; set; }
        public string? LatestCharge { get; set; }
        public JsonObject? LastPaymentError { get; set; }
        public JsonObject? NextAction { get; set; }
        public long? CanceledAt { get; set; }
        public string? CancellationReason { get; set; }
    }

    private sealed class Charge
    {
        public required string Id { get; init; }
        public required string PaymentIntent { get; init; }
        public required long Amount { get; init; }
        public required string Currency { get; init; }
        public required TestCard Card { get; init; }
        public required string Status { get; init; }
        public long? CaptureBefore { get; init; }
        public bool Captured { get; set; }
        public long AmountCaptured { get; set; }
        public long AmountRefunded { get; set; }
    }

    /// <summary>A Connect account: new ones wait for onboarding, with Stripe's usual requirements due and transfers inactive.</summary>
    private sealed class ConnectedAccount
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public string? Country { get; init; }
        public string? Email { get; init; }
        public required long Created { get; init; }
        public required Dictionary<string, string> Metadata { get; init; }
        public bool TransfersRequested { get; init; }
        public bool Onboarded { get; set; }
    }

    public string Address => $"http://127.0.0.1:{_port}";

    /// <summary>The time Stripe's side lives in (timestamps, <c>capture_before</c>, event signatures); set it to the host's clock.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Every API call answered, replays and refusals included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public static async Task<StripeDouble> StartAsync()
    {
        var stripe = new StripeDouble();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.Map("/{**path}", stripe.HandleAsync);
        await app.StartAsync();
        stripe._port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        stripe._app = app;
        return stripe;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The seller finished Stripe's hosted onboarding: charges and payouts are enabled, transfers active, nothing due.</summary>
    public void CompleteOnboarding(string accountId)
    {
        lock (_lock)
        {
            _accounts[accountId].Onboarded = true;
        }
    }

    /// <summary>Every transfer made (replays make none), as Stripe's API writes them, oldest first.</summary>
    public IReadOnlyList<JsonObject> Transfers
    {
        get
        {
            lock (_lock)
            {
                return _transfers.Values.OrderBy(t => t["created"]!.GetValue<long>()).Select(t => t.DeepClone().AsObject()).ToList();
            }
        }
    }

    /// <summary>Holds requests of <paramref name="method"/> whose path starts with <paramref name="pathStart"/> until the gate is released.</summary>
    public Gate Hold(string method, string pathStart)
    {
        var gate = new Gate(method, pathStart);
        lock (_lock)
        {
            _gates.Add(gate);
        }

        return gate;
    }

    /// <summary>
    /// The next <paramref name="times"/> requests of <paramref name="method"/> whose path starts with
    /// <paramref name="pathStart"/> are carried out (and their idempotent answer stored) but the connection drops before
    /// the answer: the client never learns what happened, as when its process dies in the middle of the call. It
    /// replaces what was asked before for the same requests, so 0 stops it (clients retry a dropped connection on their
    /// own: a test may lose answers until it has seen the caller give up, then stop).
    /// </summary>
    public void LoseAnswers(string method, string pathStart, int times)
    {
        lock (_lock)
        {
            _losses.RemoveAll(l => l.Method == method && l.PathStart == pathStart);
            if (times > 0)
            {
                _losses.Add(new Loss(method, pathStart, times));
            }
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests of <paramref name="method"/> whose path starts with
    /// <paramref name="pathStart"/> are refused with a 400 <c>invalid_request_error</c> of <paramref name="code"/>, which,
    /// as Stripe does with a request it carried out and refused, is stored under the request's idempotency key: the same
    /// key is answered the same refusal for <see cref="IdempotencyKeyLife"/>. 0 stops it.
    /// </summary>
    public void Refuse(string method, string pathStart, int times, string code = "balance_insufficient", string message = "Insufficient funds in Stripe account.")
    {
        lock (_lock)
        {
            _refusals.RemoveAll(r => r.Method == method && r.PathStart == pathStart);
            if (times > 0)
            {
                _refusals.Add(new Refusal(method, pathStart, times, code, message));
            }
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests of <paramref name="method"/> whose path starts with
    /// <paramref name="pathStart"/> never reach Stripe: the connection drops before anything is carried out or stored,
    /// so a retry under the same key is carried out afresh. 0 stops it.
    /// </summary>
    public void Unreachable(string method, string pathStart, int times)
    {
        lock (_lock)
        {
            _unreached.RemoveAll(l => l.Method == method && l.PathStart == pathStart);
            if (times > 0)
            {
                _unreached.Add(new Loss(method, pathStart, times));
            }
        }
    }

    /// <summary>The ids of the Connect accounts made, oldest first.</summary>
    public IReadOnlyList<string> Accounts
    {
        get
        {
            lock (_lock)
            {
                return _accounts.Values.OrderBy(a => a.Created).Select(a => a.Id).ToList();
            }
        }
    }

    /// <summary>The charge behind a PaymentIntent (its latest).</summary>
    public string ChargeOf(string intentId)
    {
        lock (_lock)
        {
            return _intents[intentId].LatestCharge!;
        }
    }

    /// <summary>The ids of the PaymentIntents whose metadata has this key and value, oldest first.</summary>
    public IReadOnlyList<string> IntentsWithMetadata(string key, string value)
    {
        lock (_lock)
        {
            return _intents.Values.Where(i => i.Metadata.TryGetValue(key, out var v) && v == value).OrderBy(i => i.Created).Select(i => i.Id).ToList();
        }
    }

    /// <summary>The PaymentIntent as Stripe's API writes it, with its latest charge expanded.</summary>
    public JsonObject IntentJson(string intentId)
    {
        lock (_lock)
        {
            LapseIfExpired(_intents[intentId]);
            return Render(_intents[intentId], expandCharge: true);
        }
    }

    /// <summary>The customer completed 3-D Secure in Stripe.js: the card is charged as its test id says.</summary>
    public void CompleteAction(string intentId)
    {
        lock (_lock)
        {
            var intent = _intents[intentId];
            RequireStatus(intent, "requires_action");
            intent.NextAction = null;
            ChargeCard(intent, Cards[intent.PaymentMethod!] with { Outcome = Outcome.Authorizes });
        }
    }

    /// <summary>The customer failed 3-D Secure: the intent waits for another payment method, with Stripe's authentication error.</summary>
    public void FailAction(string intentId)
    {
        lock (_lock)
        {
            var intent = _intents[intentId];
            RequireStatus(intent, "requires_action");
            intent.NextAction = null;
            intent.Status = "requires_payment_method";
            intent.LastPaymentError = new JsonObject
            {
                ["type"] = "invalid_request_error",
                ["code"] = "payment_intent_authentication_failure",
                ["message"] = "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
                ["payment_method"] = new JsonObject { ["id"] = intent.PaymentMethod, ["object"] = "payment_method", ["type"] = "card" },
            };
        }
    }

    /// <summary>
    /// After a failed attempt, the customer confirmed the intent again in Stripe.js (with the client secret) and this
    /// time the card authorised: the intent holds money though our side may have given up on it.
    /// </summary>
    public void ConfirmAgainAndAuthorise(string intentId)
    {
        lock (_lock)
        {
            var intent = _intents[intentId];
            RequireStatus(intent, "requires_payment_method");
            ChargeCard(intent, Cards["pm_card_visa"]);
        }
    }

    /// <summary>Cancels an intent from Stripe's side (the dashboard, or Stripe abandoning it), with the reason given.</summary>
    public void CancelFromDashboard(string intentId, string reason)
    {
        lock (_lock)
        {
            Cancel(_intents[intentId], reason);
        }
    }

    /// <summary>
    /// An event of <paramref name="type"/> carrying a snapshot of the intent as it is now, as Stripe sends one; a test
    /// that holds it and posts it later sends a stale snapshot, as Stripe's retries and reorderings do.
    /// </summary>
    public string EventAbout(string type, string intentId)
    {
        lock (_lock)
        {
            LapseIfExpired(_intents[intentId]);
            return new JsonObject
            {
                ["id"] = NewId("evt"),
                ["object"] = "event",
                ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
                ["created"] = Now(),
                ["livemode"] = false,
                ["pending_webhooks"] = 1,
                ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
                ["type"] = type,
                ["data"] = new JsonObject { ["object"] = Render(_intents[intentId], expandCharge: false) },
            }.ToJsonString();
        }
    }

    /// <summary>
    /// The customer's bank disputes the intent's captured charge (all of what is left of it unless <paramref name="amount"/>
    /// says): the dispute starts <c>needs_response</c>, and the amount and <see cref="DisputeFee"/> leave the balance.
    /// </summary>
    /// <returns>The dispute's id.</returns>
    public string OpenDispute(string intentId, long? amount = null, string reason = "fraudulent")
    {
        lock (_lock)
        {
            var charge = _charges[_intents[intentId].LatestCharge!];
            if (!charge.Captured)
            {
                throw new InvalidOperationException($"Charge {charge.Id} is not captured: there is nothing to dispute.");
            }

            var disputed = amount ?? charge.AmountCaptured - charge.AmountRefunded;
            var dispute = new Disputed
            {
                Id = NewId("dp"),
                Charge = charge.Id,
                PaymentIntent = charge.PaymentIntent,
                Amount = disputed,
                Currency = charge.Currency,
                Reason = reason,
                Created = Now(),
            };
            _disputes[dispute.Id] = dispute;
            dispute.BalanceTransactions.Add(AddBalance("adjustment", -disputed, charge.Currency, dispute.Id, DisputeFee, "dispute").Id);
            return dispute.Id;
        }
    }

    /// <summary>The dispute moves on without a decision (Stripe: <c>under_review</c> once evidence is submitted).</summary>
    public void UpdateDispute(string disputeId, string status)
    {
        lock (_lock)
        {
            _disputes[disputeId].Status = status;
        }
    }

    /// <summary>The bank decides: a won dispute has its amount reinstated (the fee is not given back), a lost one stays withdrawn.</summary>
    public void CloseDispute(string disputeId, bool won)
    {
        lock (_lock)
        {
            var dispute = _disputes[disputeId];
            if (dispute.Status is "won" or "lost")
            {
                throw new InvalidOperationException($"Dispute {disputeId} is decided already ({dispute.Status}).");
            }

            dispute.Status = won ? "won" : "lost";
            if (won)
            {
                dispute.BalanceTransactions.Add(AddBalance("adjustment", dispute.Amount, dispute.Currency, dispute.Id, 0, "dispute_reversal").Id);
            }
        }
    }

    /// <summary>An event of <paramref name="type"/> (<c>charge.dispute.created</c>…) carrying a snapshot of the dispute as it is now.</summary>
    public string DisputeEvent(string type, string disputeId)
    {
        lock (_lock)
        {
            return EventOf(type, Render(_disputes[disputeId]));
        }
    }

    /// <summary>An event of <paramref name="type"/> (<c>account.updated</c>) carrying a snapshot of the account as it is now.</summary>
    public string AccountEvent(string type, string accountId)
    {
        lock (_lock)
        {
            return EventOf(type, Render(_accounts[accountId]));
        }
    }

    private string EventOf(string type, JsonObject snapshot) => new JsonObject
    {
        ["id"] = NewId("evt"),
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = Now(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = snapshot },
    }.ToJsonString();

    /// <summary>The <c>Stripe-Signature</c> header Stripe sends with <paramref name="payload"/>: <c>t=</c> the time, <c>v1=</c> HMAC-SHA256 of "{t}.{payload}".</summary>
    public string Sign(string payload, DateTimeOffset? at = null, string secret = WebhookSecret)
    {
        var timestamp = (at ?? Clock.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Stripe.EventUtility.ComputeSignature(secret, timestamp, payload)}";
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await WriteAsync(context, new Answer(401, Error("invalid_request_error", null, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")));
            return;
        }

        if (authorization["Bearer ".Length..] != SecretKey)
        {
            await WriteAsync(context, new Answer(401, Error("invalid_request_error", null, "Invalid API Key provided: sk_test_****")));
            return;
        }

        List<KeyValuePair<string, string>> parameters;
        if (HttpMethods.IsPost(request.Method))
        {
            if (request.ContentLength > 0 && !request.HasFormContentType)
            {
                await WriteAsync(context, new Answer(400, Error("invalid_request_error", null, "Invalid request: the body must be application/x-www-form-urlencoded.")));
                return;
            }

            parameters = request.HasFormContentType
                ? (await request.ReadFormAsync()).SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))).ToList()
                : [];
        }
        else
        {
            parameters = request.Query.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))).ToList();
        }

        // Held after the body is read, as Stripe goes on with a request whose client stopped waiting.
        var path = request.Path.Value ?? "";
        Gate[] gates;
        lock (_lock)
        {
            gates = _gates.Where(g => g.Matches(request.Method, path)).ToArray();
        }

        foreach (var gate in gates)
        {
            await gate.WaitAsync();
        }

        var key = HttpMethods.IsPost(request.Method) ? request.Headers["Idempotency-Key"].ToString() : "";
        var canonical = string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Answer answer;
        lock (_lock)
        {
            if (_unreached.FirstOrDefault(l => l.Matches(request.Method, path)) is { } unreached)
            {
                unreached.Left--;
                context.Abort();
                return;
            }

            if (key.Length > 0 && _idempotent.TryGetValue(key, out var stored) && stored.At + IdempotencyKeyLife <= Clock.GetUtcNow())
            {
                _idempotent.Remove(key);
            }

            if (key.Length > 0 && _idempotent.TryGetValue(key, out stored))
            {
                answer = stored.Method != request.Method || stored.Path != path
                    ? new Answer(400, Error("idempotency_error", null, $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{path}' vs '{stored.Path}'). Try using a key other than '{key}' if you meant to execute a different request."), false)
                    : stored.Parameters != canonical
                        ? new Answer(400, Error("idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."), false)
                        : new Answer(stored.Status, JsonNode.Parse(stored.Body)!.AsObject(), Replayed: true);
            }
            else
            {
                if (_refusals.FirstOrDefault(r => r.Matches(request.Method, path)) is { } refusal)
                {
                    refusal.Left--;
                    answer = new Answer(400, Error("invalid_request_error", refusal.Code, refusal.Message));
                }
                else
                {
                    answer = Route(request.Method, path, parameters);
                }

                if (key.Length > 0 && answer.Stored)
                {
                    _idempotent[key] = new StoredAnswer(request.Method, path, canonical, answer.Status, answer.Body.ToJsonString(), Clock.GetUtcNow());
                }
            }

            if (_losses.FirstOrDefault(l => l.Matches(request.Method, path)) is { } loss)
            {
                loss.Left--;
                context.Abort();
                return;
            }
        }

        if (answer.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        await WriteAsync(context, answer);
    }

    private static async Task WriteAsync(HttpContext context, Answer answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body.ToJsonString());
    }

    private Answer Route(string method, string path, List<KeyValuePair<string, string>> parameters)
    {
        var segments = path.Trim('/').Split('/');
        return (method, segments) switch
        {
            ("POST", ["v1", "payment_intents"]) => Create(parameters),
            ("GET", ["v1", "payment_intents", var id]) => Checked(parameters, ["expand"], () => WithIntent(id, intent => new Answer(200, Render(intent, Expands(parameters))))),
            ("POST", ["v1", "payment_intents", var id, "cancel"]) => Checked(parameters, ["cancellation_reason", "expand"], () => WithIntent(id, intent => Cancel(intent, parameters))),
            ("POST", ["v1", "payment_intents", var id, "capture"]) => Checked(parameters, ["amount_to_capture", "expand", "metadata"], () => WithIntent(id, intent => Capture(intent, parameters))),
            ("GET", ["v1", "balance_transactions"]) => Checked(parameters, ["limit", "starting_after", "ending_before", "created", "type", "currency", "source", "payout", "expand"], () => ListBalance(parameters)),
            ("GET", ["v1", "balance_transactions", var id]) => Checked(parameters, ["expand"], () => _balance.Find(b => b.Id == id) is { } one
                ? new Answer(200, Render(one, parameters.Any(p => p.Key.StartsWith("expand", StringComparison.Ordinal) && p.Value == "source")))
                : new Answer(404, Error("invalid_request_error", "resource_missing", $"No such balance transaction: '{id}'", param: "id"), false)),
            ("POST", ["v1", "refunds"]) => Checked(parameters, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"], () => Refund(parameters)),
            ("POST", ["v1", "accounts"]) => Checked(parameters, ["type", "country", "email", "capabilities", "metadata", "business_type", "default_currency", "expand"], () => CreateAccount(parameters)),
            ("GET", ["v1", "accounts", var id]) => Checked(parameters, ["expand"], () => _accounts.TryGetValue(id, out var account)
                ? new Answer(200, Render(account))
                : new Answer(404, Error("invalid_request_error", "resource_missing", $"No such account: '{id}'", param: "account"), false)),
            ("POST", ["v1", "account_links"]) => Checked(parameters, ["account", "refresh_url", "return_url", "type", "collect", "collection_options", "expand"], () => CreateAccountLink(parameters)),
            ("POST", ["v1", "transfers"]) => Checked(parameters, ["amount", "currency", "destination", "transfer_group", "source_transaction", "source_type", "metadata", "description", "expand"], () => Transfer(parameters)),
            ("GET", ["v1", "disputes", var id]) => Checked(parameters, ["expand"], () => _disputes.TryGetValue(id, out var dispute)
                ? new Answer(200, Render(dispute))
                : new Answer(404, Error("invalid_request_error", "resource_missing", $"No such dispute: '{id}'", param: "dispute"), false)),
            ("POST", ["v1", "transfers", var id, "reversals"]) => Checked(parameters, ["amount", "description", "metadata", "refund_application_fee", "expand"], () => Reverse(id, parameters)),
            ("GET", ["v1", "transfers", var id]) => Checked(parameters, ["expand"], () => _transfers.TryGetValue(id, out var transfer)
                ? new Answer(200, transfer.DeepClone().AsObject())
                : new Answer(404, Error("invalid_request_error", "resource_missing", $"No such transfer: '{id}'", param: "id"), false)),
            _ => new Answer(404, Error("invalid_request_error", null, $"Unrecognized request URL ({method}: {path})."), false),
        };
    }

    private Answer Create(List<KeyValuePair<string, string>> parameters) =>
        Checked(parameters, ["amount", "currency", "capture_method", "confirm", "payment_method", "metadata", "expand", "automatic_payment_methods", "payment_method_types", "return_url", "description", "receipt_email"], () =>
        {
            if (Integer(parameters, "amount") is not { } amount || amount <= 0)
            {
                return Invalid("amount", "Missing required param: amount, or it is not a positive integer.", "parameter_missing");
            }

            var currency = Value(parameters, "currency");
            if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
            {
                return Invalid("currency", "Missing required param: currency, or it is not a three-letter lowercase ISO code.", "parameter_missing");
            }

            var captureMethod = Value(parameters, "capture_method") ?? "automatic_async";
            if (captureMethod is not ("automatic" or "automatic_async" or "manual"))
            {
                return Invalid("capture_method", $"Invalid capture_method: must be one of automatic, automatic_async, or manual", "parameter_invalid_string");
            }

            var confirm = Value(parameters, "confirm") == "true";
            var method = Value(parameters, "payment_method");
            if (confirm && method is null)
            {
                return Invalid("payment_method", "You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_intent_unexpected_state");
            }

            var noRedirects = Value(parameters, "automatic_payment_methods[allow_redirects]") == "never" || parameters.Any(p => p.Key.StartsWith("payment_method_types", StringComparison.Ordinal));
            if (confirm && Value(parameters, "return_url") is null && !noRedirects)
            {
                return Invalid("return_url", "This PaymentIntent is configured to accept payment methods enabled in your Dashboard, because automatic_payment_methods is enabled by default. Some of these payment methods might redirect your customer off of your page, so you must provide a `return_url`.", "parameter_missing");
            }

            if (method is not null && !Cards.ContainsKey(method))
            {
                return Invalid("payment_method", $"No such PaymentMethod: '{method}'", "resource_missing");
            }

            var id = NewId("pi");
            var intent = new Intent
            {
                Id = id,
                Amount = amount,
                Currency = currency,
                CaptureMethod = captureMethod,
                ClientSecret = $"{id}_secret_{RandomText(25)}",
                Created = Now(),
                Metadata = parameters.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal))
                    .ToDictionary(p => p.Key["metadata[".Length..^1], p => p.Value, StringComparer.Ordinal),
                PaymentMethod = method,
            };
            _intents[id] = intent;
            if (!confirm)
            {
                intent.Status = method is null ? "requires_payment_method" : "requires_confirmation";
                return new Answer(200, Render(intent, Expands(parameters)));
            }

            var card = Cards[method!];
            if (card.Outcome == Outcome.RequiresAction)
            {
                intent.Status = "requires_action";
                intent.NextAction = new JsonObject
                {
                    ["type"] = "use_stripe_sdk",
                    ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect", ["stripe_js"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={id}", ["source"] = NewId("src") },
                };
                return new Answer(200, Render(intent, Expands(parameters)));
            }

            var charge = ChargeCard(intent, card);
            if (card.Outcome == Outcome.Declines)
            {
                var error = Error("card_error", "card_declined", card.Message!, declineCode: card.DeclineCode);
                error["error"]!["charge"] = charge.Id;
                error["error"]!["payment_intent"] = Render(intent, expandCharge: false);
                return new Answer(402, error);
            }

            return new Answer(200, Render(intent, Expands(parameters)));
        });

    /// <summary>Charges the intent's card: an authorisation held (manual capture), captured at once (automatic), or a decline.</summary>
    private Charge ChargeCard(Intent intent, TestCard card)
    {
        var declined = card.Outcome == Outcome.Declines;
        var manual = intent.CaptureMethod == "manual";
        var charge = new Charge
        {
            Id = NewId("ch"),
            PaymentIntent = intent.Id,
            Amount = intent.Amount,
            Currency = intent.Currency,
            Card = card,
            Status = declined ? "failed" : "succeeded",
            CaptureBefore = declined || !manual ? null : (Clock.GetUtcNow() + AuthorizationValidity).ToUnixTimeSeconds(),
            Captured = !declined && !manual,
            AmountCaptured = !declined && !manual ? intent.Amount : 0,
        };
        _charges[charge.Id] = charge;
        intent.LatestCharge = charge.Id;
        if (declined)
        {
            intent.Status = "requires_payment_method";
            intent.LastPaymentError = Error("card_error", "card_declined", card.Message!, declineCode: card.DeclineCode)["error"]!.AsObject().DeepClone().AsObject();
            intent.LastPaymentError["charge"] = charge.Id;
        }
        else if (manual)
        {
            intent.Status = "requires_capture";
            intent.AmountCapturable = intent.Amount;
            intent.LastPaymentError = null;
        }
        else
        {
            intent.Status = "succeeded";
            intent.AmountReceived = intent.Amount;
            intent.LastPaymentError = null;
            AddBalance("charge", charge.Amount, charge.Currency, charge.Id);
        }

        return charge;
    }

    private Answer Cancel(Intent intent, List<KeyValuePair<string, string>> parameters)
    {
        var reason = Value(parameters, "cancellation_reason");
        if (reason is not null && !CancellationReasons.Contains(reason))
        {
            return Invalid("cancellation_reason", $"Invalid cancellation_reason: must be one of {string.Join(", ", CancellationReasons)}", "parameter_invalid_string");
        }

        if (!CancelableStatuses.Contains(intent.Status))
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "payment_intent_unexpected_state",
                $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be canceled: {string.Join(", ", CancelableStatuses)}.",
                intent: intent));
        }

        Cancel(intent, reason);
        return new Answer(200, Render(intent, Expands(parameters)));
    }

    private void Cancel(Intent intent, string? reason)
    {
        intent.Status = "canceled";
        intent.CanceledAt = Now();
        intent.CancellationReason = reason;
        intent.AmountCapturable = 0;
        intent.NextAction = null;
    }

    private Answer Capture(Intent intent, List<KeyValuePair<string, string>> parameters)
    {
        if (intent.Status != "requires_capture")
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "payment_intent_unexpected_state",
                $"This PaymentIntent could not be captured because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                intent: intent));
        }

        var amount = Integer(parameters, "amount_to_capture") ?? intent.AmountCapturable;
        if (amount <= 0)
        {
            return Invalid("amount_to_capture", "amount_to_capture must be a positive integer.", "parameter_invalid_integer");
        }

        if (amount > intent.AmountCapturable)
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "amount_too_large",
                $"The amount to capture ({amount}) is greater than the amount capturable ({intent.AmountCapturable}).",
                param: "amount_to_capture",
                intent: intent));
        }

        var charge = _charges[intent.LatestCharge!];
        charge.Captured = true;
        charge.AmountCaptured = amount;
        intent.AmountReceived = amount;
        intent.AmountCapturable = 0;
        intent.Status = "succeeded";
        AddBalance("charge", amount, charge.Currency, charge.Id);
        return new Answer(200, Render(intent, Expands(parameters)));
    }

    private Answer Refund(List<KeyValuePair<string, string>> parameters)
    {
        var intentId = Value(parameters, "payment_intent");
        var chargeId = Value(parameters, "charge");
        if ((intentId is null) == (chargeId is null))
        {
            return Invalid("payment_intent", "You must pass either a charge or a payment_intent, and not both.", "parameter_missing");
        }

        Charge? charge = null;
        if (intentId is not null)
        {
            if (!_intents.TryGetValue(intentId, out var intent))
            {
                return Invalid("payment_intent", $"No such payment_intent: '{intentId}'", "resource_missing");
            }

            if (intent.Status != "succeeded")
            {
                return new Answer(400, Error(
                    "invalid_request_error",
                    "payment_intent_unexpected_state",
                    $"This PaymentIntent ({intentId}) does not have a successful charge to refund.",
                    param: "payment_intent"));
            }

            charge = _charges[intent.LatestCharge!];
        }
        else if (!_charges.TryGetValue(chargeId!, out charge))
        {
            return Invalid("charge", $"No such charge: '{chargeId}'", "resource_missing");
        }

        var left = charge.AmountCaptured - charge.AmountRefunded;
        if (left <= 0)
        {
            return new Answer(400, Error("invalid_request_error", "charge_already_refunded", $"Charge {charge.Id} has already been refunded."));
        }

        var amount = Integer(parameters, "amount") ?? left;
        if (amount <= 0)
        {
            return Invalid("amount", "amount must be a positive integer.", "parameter_invalid_integer");
        }

        if (amount > left)
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "amount_too_large",
                $"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param: "amount"));
        }

        charge.AmountRefunded += amount;
        var refund = new JsonObject
        {
            ["id"] = NewId("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["currency"] = charge.Currency,
            ["charge"] = charge.Id,
            ["payment_intent"] = charge.PaymentIntent,
            ["status"] = "succeeded",
            ["reason"] = Value(parameters, "reason"),
            ["created"] = Now(),
            ["metadata"] = new JsonObject(),
        };
        _refunds[refund["id"]!.GetValue<string>()] = refund;
        AddBalance("refund", -amount, charge.Currency, refund["id"]!.GetValue<string>());
        return new Answer(200, refund);
    }

    private JsonObject Render(Disputed dispute) => new()
    {
        ["id"] = dispute.Id,
        ["object"] = "dispute",
        ["amount"] = dispute.Amount,
        ["balance_transactions"] = new JsonArray(dispute.BalanceTransactions.Select(id => (JsonNode)Render(_balance.Single(b => b.Id == id), expandSource: false)).ToArray()),
        ["charge"] = dispute.Charge,
        ["created"] = dispute.Created,
        ["currency"] = dispute.Currency,
        ["evidence_details"] = new JsonObject
        {
            ["due_by"] = dispute.Created + (long)TimeSpan.FromDays(7).TotalSeconds,
            ["has_evidence"] = false,
            ["past_due"] = false,
            ["submission_count"] = 0,
        },
        ["is_charge_refundable"] = false,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["payment_intent"] = dispute.PaymentIntent,
        ["reason"] = dispute.Reason,
        ["status"] = dispute.Status,
    };

    private BalanceTransaction AddBalance(string type, long amount, string currency, string source, long fee = 0, string? category = null)
    {
        var transaction = new BalanceTransaction(NewId("txn"), type, amount, currency, source, Now(), _balance.Count, fee, category);
        _balance.Add(transaction);
        return transaction;
    }

    /// <summary>Stripe's list: newest first, <c>limit</c> 1 to 100 (10 by default), a cursor that must name a listed object.</summary>
    private Answer ListBalance(List<KeyValuePair<string, string>> parameters)
    {
        var limit = 10L;
        if (Value(parameters, "limit") is not null && (Integer(parameters, "limit") is not { } asked || asked is < 1 or > 100))
        {
            return Invalid("limit", "Invalid integer: limit must be between 1 and 100.", "parameter_invalid_integer");
        }

        limit = Integer(parameters, "limit") ?? limit;
        IEnumerable<BalanceTransaction> listed = _balance.OrderByDescending(b => b.Created).ThenByDescending(b => b.Sequence).ToList();
        foreach (var (op, test) in new (string, Func<long, long, bool>)[] { ("gte", (c, v) => c >= v), ("gt", (c, v) => c > v), ("lte", (c, v) => c <= v), ("lt", (c, v) => c < v) })
        {
            if (Value(parameters, $"created[{op}]") is { } text)
            {
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bound))
                {
                    return Invalid("created", $"Invalid integer: {text}", "parameter_invalid_integer");
                }

                listed = listed.Where(b => test(b.Created, bound)).ToList();
            }
        }

        if (Value(parameters, "type") is { } type)
        {
            listed = listed.Where(b => b.Type == type).ToList();
        }

        if (Value(parameters, "currency") is { } currency)
        {
            listed = listed.Where(b => b.Currency == currency).ToList();
        }

        if (Value(parameters, "source") is { } source)
        {
            listed = listed.Where(b => b.Source == source).ToList();
        }

        var all = listed.ToList();
        var after = Value(parameters, "starting_after");
        var before = Value(parameters, "ending_before");
        List<BalanceTransaction> page;
        bool more;
        if (after is not null || before is not null)
        {
            var cursor = after ?? before!;
            var at = all.FindIndex(b => b.Id == cursor);
            if (at < 0)
            {
                return Invalid(after is not null ? "starting_after" : "ending_before", $"No such balance transaction: '{cursor}'", "resource_missing");
            }

            if (after is not null)
            {
                page = all.Skip(at + 1).Take((int)limit).ToList();
                more = all.Count > at + 1 + page.Count;
            }
            else
            {
                page = all.Take(at).TakeLast((int)limit).ToList();
                more = at > page.Count;
            }
        }
        else
        {
            page = all.Take((int)limit).ToList();
            more = all.Count > page.Count;
        }

        var expand = parameters.Any(p => p.Key.StartsWith("expand", StringComparison.Ordinal) && p.Value == "data.source");
        return new Answer(200, new JsonObject
        {
            ["object"] = "list",
            ["url"] = "/v1/balance_transactions",
            ["has_more"] = more,
            ["data"] = new JsonArray(page.Select(b => (JsonNode)Render(b, expand)).ToArray()),
        });
    }

    private JsonObject Render(BalanceTransaction transaction, bool expandSource)
    {
        var availableOn = transaction.Created + (long)TimeSpan.FromDays(2).TotalSeconds;
        JsonNode? source = transaction.Source;
        if (expandSource)
        {
            source = transaction.Type switch
            {
                "refund" => _refunds[transaction.Source].DeepClone(),
                "transfer" => _transfers[transaction.Source].DeepClone(),
                "adjustment" => Render(_disputes[transaction.Source]),
                "transfer_refund" => _reversals[transaction.Source].DeepClone(),
                _ => Render(_charges[transaction.Source]),
            };
        }

        return new JsonObject
        {
            ["id"] = transaction.Id,
            ["object"] = "balance_transaction",
            ["amount"] = transaction.Amount,
            ["available_on"] = availableOn,
            ["created"] = transaction.Created,
            ["currency"] = transaction.Currency,
            ["description"] = null,
            ["exchange_rate"] = null,
            ["fee"] = transaction.Fee,
            ["fee_details"] = transaction.Fee == 0
                ? new JsonArray()
                : new JsonArray(new JsonObject { ["amount"] = transaction.Fee, ["currency"] = transaction.Currency, ["description"] = "Dispute fee", ["type"] = "stripe_fee" }),
            ["net"] = transaction.Amount - transaction.Fee,
            ["reporting_category"] = transaction.Category ?? transaction.Type,
            ["source"] = source,
            ["status"] = availableOn <= Now() ? "available" : "pending",
            ["type"] = transaction.Type,
        };
    }

    private Answer CreateAccount(List<KeyValuePair<string, string>> parameters)
    {
        var type = Value(parameters, "type");
        if (type is null)
        {
            return Invalid("type", "Missing required param: type.", "parameter_missing");
        }

        if (type is not ("express" or "standard" or "custom"))
        {
            return Invalid("type", "Invalid type: must be one of custom, express, or standard", "parameter_invalid_string");
        }

        var country = Value(parameters, "country");
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            return Invalid("country", $"Country '{country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.", "country_unsupported");
        }

        var transfers = Value(parameters, "capabilities[transfers][requested]");
        if (type == "express" && transfers != "true")
        {
            return Invalid("capabilities", "Express accounts must request the transfers or card_payments capability.", "parameter_missing");
        }

        var account = new ConnectedAccount
        {
            Id = NewId("acct")[..21],
            Type = type,
            Country = country,
            Email = Value(parameters, "email"),
            Created = Now(),
            Metadata = parameters.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal))
                .ToDictionary(p => p.Key["metadata[".Length..^1], p => p.Value, StringComparer.Ordinal),
            TransfersRequested = transfers == "true",
        };
        _accounts[account.Id] = account;
        return new Answer(200, Render(account));
    }

    private Answer CreateAccountLink(List<KeyValuePair<string, string>> parameters)
    {
        foreach (var required in new[] { "account", "type" })
        {
            if (Value(parameters, required) is null)
            {
                return Invalid(required, $"Missing required param: {required}.", "parameter_missing");
            }
        }

        var id = Value(parameters, "account")!;
        if (!_accounts.ContainsKey(id))
        {
            return Invalid("account", $"No such account: '{id}'", "resource_missing");
        }

        var type = Value(parameters, "type");
        if (type is not ("account_onboarding" or "account_update"))
        {
            return Invalid("type", "Invalid type: must be one of account_onboarding or account_update", "parameter_invalid_string");
        }

        foreach (var url in new[] { "refresh_url", "return_url" })
        {
            if (!Uri.TryCreate(Value(parameters, url), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                return Invalid(url, $"Not a valid URL: {url}.", "url_invalid");
            }
        }

        var now = Now();
        return new Answer(200, new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = now,
            ["expires_at"] = now + 300,
            ["url"] = $"https://connect.stripe.com/setup/e/{id}/{RandomText(12)}",
        });
    }

    private Answer Transfer(List<KeyValuePair<string, string>> parameters)
    {
        if (Integer(parameters, "amount") is not { } amount || amount <= 0)
        {
            return Invalid("amount", "Missing required param: amount, or it is not a positive integer.", "parameter_missing");
        }

        var currency = Value(parameters, "currency");
        if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
        {
            return Invalid("currency", "Missing required param: currency, or it is not a three-letter lowercase ISO code.", "parameter_missing");
        }

        var destination = Value(parameters, "destination");
        if (destination is null)
        {
            return Invalid("destination", "Missing required param: destination.", "parameter_missing");
        }

        if (!_accounts.TryGetValue(destination, out var account))
        {
            return Invalid("destination", $"No such destination: '{destination}'", "resource_missing");
        }

        if (!(account.TransfersRequested && account.Onboarded))
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "insufficient_capabilities_for_transfer",
                "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
                param: "destination"));
        }

        var source = Value(parameters, "source_transaction");
        if (source is not null)
        {
            if (!_charges.TryGetValue(source, out var charge))
            {
                return Invalid("source_transaction", $"No such charge: '{source}'", "resource_missing");
            }

            if (charge.Currency != currency)
            {
                return Invalid("currency", $"The currency of source_transaction's balance transaction ({charge.Currency}) must be the same as the transfer currency ({currency}).", "parameter_invalid_string");
            }

            var transferred = _transfers.Values.Where(t => t["source_transaction"]?.GetValue<string>() == source).Sum(t => t["amount"]!.GetValue<long>());
            if (!charge.Captured || amount > charge.AmountCaptured - charge.AmountRefunded - transferred)
            {
                return new Answer(400, Error(
                    "invalid_request_error",
                    "balance_insufficient",
                    "Insufficient funds in Stripe account. The transfer amount is larger than what is available from its source_transaction.",
                    param: "amount"));
            }
        }

        var transfer = new JsonObject
        {
            ["id"] = NewId("tr"),
            ["object"] = "transfer",
            ["amount"] = amount,
            ["amount_reversed"] = 0L,
            ["created"] = Now(),
            ["currency"] = currency,
            ["description"] = Value(parameters, "description"),
            ["destination"] = destination,
            ["destination_payment"] = NewId("py"),
            ["livemode"] = false,
            ["metadata"] = new JsonObject(parameters.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal))
                .Select(p => KeyValuePair.Create(p.Key["metadata[".Length..^1], (JsonNode?)p.Value))),
            ["reversals"] = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false, ["total_count"] = 0, ["url"] = "/v1/transfers/reversals" },
            ["reversed"] = false,
            ["source_transaction"] = source,
            ["source_type"] = "card",
            ["transfer_group"] = Value(parameters, "transfer_group"),
        };
        _transfers[transfer["id"]!.GetValue<string>()] = transfer;

        // Money leaves the platform's balance: Stripe records a balance transaction of type transfer.
        AddBalance("transfer", -amount, currency, transfer["id"]!.GetValue<string>());
        return new Answer(200, transfer.DeepClone().AsObject());
    }

    /// <summary>
    /// A reversal of part or all of a transfer: at most what is left of it (by default all of that), none once it is
    /// reversed whole. The money comes back to the platform's balance as a <c>transfer_refund</c> balance transaction.
    /// </summary>
    private Answer Reverse(string transferId, List<KeyValuePair<string, string>> parameters)
    {
        if (!_transfers.TryGetValue(transferId, out var transfer))
        {
            return new Answer(404, Error("invalid_request_error", "resource_missing", $"No such transfer: '{transferId}'", param: "id"), false);
        }

        var transferred = transfer["amount"]!.GetValue<long>();
        var left = transferred - transfer["amount_reversed"]!.GetValue<long>();
        if (Value(parameters, "amount") is not null && (Integer(parameters, "amount") is not { } asked || asked <= 0))
        {
            return Invalid("amount", "amount must be a positive integer.", "parameter_invalid_integer");
        }

        if (left <= 0)
        {
            return new Answer(400, Error("invalid_request_error", "transfer_already_reversed", $"Transfer {transferId} has already been fully reversed."));
        }

        var amount = Integer(parameters, "amount") ?? left;
        if (amount > left)
        {
            return new Answer(400, Error(
                "invalid_request_error",
                "amount_too_large",
                $"Reversal amount ({amount}) is greater than the amount left on the transfer ({left}).",
                param: "amount"));
        }

        var currency = transfer["currency"]!.GetValue<string>();
        var id = NewId("trr");
        var balance = AddBalance("transfer_refund", amount, currency, id);
        var reversal = new JsonObject
        {
            ["id"] = id,
            ["object"] = "transfer_reversal",
            ["amount"] = amount,
            ["balance_transaction"] = balance.Id,
            ["created"] = Now(),
            ["currency"] = currency,
            ["destination_payment_refund"] = NewId("pyr"),
            ["metadata"] = new JsonObject(parameters.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal))
                .Select(p => KeyValuePair.Create(p.Key["metadata[".Length..^1], (JsonNode?)p.Value))),
            ["source_refund"] = null,
            ["transfer"] = transferId,
        };
        _reversals[id] = reversal;
        var reversed = transferred - left + amount;
        transfer["amount_reversed"] = reversed;
        transfer["reversed"] = reversed == transferred;
        var list = transfer["reversals"]!.AsObject();
        list["data"]!.AsArray().Insert(0, reversal.DeepClone());
        list["total_count"] = list["data"]!.AsArray().Count;
        list["url"] = $"/v1/transfers/{transferId}/reversals";
        return new Answer(200, reversal.DeepClone().AsObject());
    }

    private static JsonObject Render(ConnectedAccount account) => new()
    {
        ["id"] = account.Id,
        ["object"] = "account",
        ["type"] = account.Type,
        ["country"] = account.Country ?? "US",
        ["email"] = account.Email,
        ["created"] = account.Created,
        ["charges_enabled"] = account.Onboarded,
        ["payouts_enabled"] = account.Onboarded,
        ["details_submitted"] = account.Onboarded,
        ["capabilities"] = account.TransfersRequested ? new JsonObject { ["transfers"] = account.Onboarded ? "active" : "inactive" } : new JsonObject(),
        ["requirements"] = new JsonObject
        {
            ["currently_due"] = account.Onboarded ? new JsonArray() : new JsonArray("business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"),
            ["eventually_due"] = account.Onboarded ? new JsonArray() : new JsonArray("business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"),
            ["past_due"] = new JsonArray(),
            ["pending_verification"] = new JsonArray(),
            ["disabled_reason"] = account.Onboarded ? null : "requirements.past_due",
            ["current_deadline"] = null,
            ["errors"] = new JsonArray(),
        },
        ["metadata"] = new JsonObject(account.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        ["livemode"] = false,
    };

    private Answer WithIntent(string id, Func<Intent, Answer> use)
    {
        if (!_intents.TryGetValue(id, out var intent))
        {
            return new Answer(404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"), false);
        }

        LapseIfExpired(intent);
        return use(intent);
    }

    /// <summary>
    /// Stripe releases an authorisation that was not captured by its charge's <c>capture_before</c>: the intent is
    /// canceled (reason <c>automatic</c>) and can no longer be captured. Applied whenever the intent is looked at.
    /// </summary>
    private void LapseIfExpired(Intent intent)
    {
        if (intent.Status == "requires_capture" && _charges[intent.LatestCharge!].CaptureBefore is { } before && before <= Now())
        {
            Cancel(intent, "automatic");
        }
    }

    /// <summary>Stripe refuses a parameter it does not know, naming it, before doing anything.</summary>
    private static Answer Checked(List<KeyValuePair<string, string>> parameters, string[] known, Func<Answer> then)
    {
        foreach (var (name, _) in parameters)
        {
            var root = name.Split('[')[0];
            if (!known.Contains(root))
            {
                return Invalid(root, $"Received unknown parameter: {root}", "parameter_unknown");
            }
        }

        return then();
    }

    private JsonObject Render(Intent intent, bool expandCharge) => new()
    {
        ["id"] = intent.Id,
        ["object"] = "payment_intent",
        ["amount"] = intent.Amount,
        ["amount_capturable"] = intent.AmountCapturable,
        ["amount_received"] = intent.AmountReceived,
        ["canceled_at"] = intent.CanceledAt,
        ["cancellation_reason"] = intent.CancellationReason,
        ["capture_method"] = intent.CaptureMethod,
        ["client_secret"] = intent.ClientSecret,
        ["confirmation_method"] = "automatic",
        ["created"] = intent.Created,
        ["currency"] = intent.Currency,
        ["last_payment_error"] = intent.LastPaymentError?.DeepClone(),
        ["latest_charge"] = intent.LatestCharge is null ? null : expandCharge ? Render(_charges[intent.LatestCharge]) : intent.LatestCharge,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(intent.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        ["next_action"] = intent.NextAction?.DeepClone(),
        ["payment_method"] = intent.PaymentMethod,
        ["payment_method_types"] = new JsonArray("card"),
        ["status"] = intent.Status,
    };

    private static JsonObject Render(Charge charge) => new()
    {
        ["id"] = charge.Id,
        ["object"] = "charge",
        ["amount"] = charge.Amount,
        ["amount_captured"] = charge.AmountCaptured,
        ["amount_refunded"] = charge.AmountRefunded,
        ["captured"] = charge.Captured,
        ["currency"] = charge.Currency,
        ["paid"] = charge.Status == "succeeded",
        ["payment_intent"] = charge.PaymentIntent,
        ["refunded"] = charge.AmountCaptured > 0 && charge.AmountRefunded == charge.AmountCaptured,
        ["status"] = charge.Status,
        ["payment_method_details"] = new JsonObject
        {
            ["type"] = "card",
            ["card"] = CardDetails(charge),
        },
    };

    /// <summary>Stripe writes <c>capture_before</c> only for a manual-capture authorisation; it is absent, not null, otherwise (Stripe.net cannot read a null there).</summary>
    private static JsonObject CardDetails(Charge charge)
    {
        var card = new JsonObject { ["brand"] = charge.Card.Brand, ["last4"] = charge.Card.Last4 };
        if (charge.CaptureBefore is { } before)
        {
            card["capture_before"] = before;
        }

        return card;
    }

    private JsonObject Error(string type, string? code, string message, string? param = null, string? declineCode = null, Intent? intent = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        if (intent is not null)
        {
            error["payment_intent"] = Render(intent, expandCharge: false);
        }

        return new JsonObject { ["error"] = error };
    }

    /// <summary>A refusal of the request's parameters: Stripe saves no idempotent result for it.</summary>
    private static Answer Invalid(string param, string message, string code) =>
        new(400, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["code"] = code, ["param"] = param, ["message"] = message } }, false);

    private static bool Expands(List<KeyValuePair<string, string>> parameters) =>
        parameters.Any(p => p.Key.StartsWith("expand", StringComparison.Ordinal) && p.Value == "latest_charge");

    private static string? Value(List<KeyValuePair<string, string>> parameters, string name) =>
        parameters.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();

    private static long? Integer(List<KeyValuePair<string, string>> parameters, string name) =>
        Value(parameters, name) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static void RequireStatus(Intent intent, string status)
    {
        if (intent.Status != status)
        {
            throw new InvalidOperationException($"PaymentIntent {intent.Id} is {intent.Status}, not {status}.");
        }
    }

    private long Now() => Clock.GetUtcNow().ToUnixTimeSeconds();

    private static string NewId(string prefix) => $"{prefix}_{RandomText(24)}";

    private static string RandomText(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
