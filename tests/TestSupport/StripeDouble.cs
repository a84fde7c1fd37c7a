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
/// with <c>expand[]=latest_charge</c>, cancel, capture with <c>amount_to_capture</c>) and refunds follow Stripe's state
/// rules; the test payment methods behave as Stripe's (<c>pm_card_visa</c> authorises, <c>pm_card_chargeDeclined…</c>
/// answer 402 <c>card_error</c> leaving the intent <c>requires_payment_method</c>, <c>pm_card_authenticationRequired</c>
/// asks for <c>use_stripe_sdk</c>, an unknown id is 400 <c>resource_missing</c>). It writes Stripe's JSON field names
/// itself, not Stripe.net's types, so a client that misreads the documented shape fails against it. Tests play the
/// customer's 3-D Secure step (<see cref="CompleteAction"/>, <see cref="FailAction"/>) and make signed events of the
/// intents' current state (<see cref="EventAbout"/>, <see cref="Sign"/>).
/// </summary>
public sealed class StripeDouble : IAsyncDisposable
{
    public const string SecretKey = "sk_test_double_4eC39HqLyjWDarjtT1zdp7dc";
    public const string WebhookSecret = "whsec_double_7f3a9c1e5b2d4f6a8c0e";

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
    private readonly Dictionary<string, StoredAnswer> _idempotent = new(StringComparer.Ordinal);
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

    private sealed record StoredAnswer(string Method, string Path, string Parameters, int Status, string Body);

    private sealed record Answer(int Status, JsonObject Body, bool Stored = true, bool Replayed = false);

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

        var path = request.Path.Value ?? "";
        var key = HttpMethods.IsPost(request.Method) ? request.Headers["Idempotency-Key"].ToString() : "";
        var canonical = string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Answer answer;
        lock (_lock)
        {
            if (key.Length > 0 && _idempotent.TryGetValue(key, out var stored))
            {
                answer = stored.Method != request.Method || stored.Path != path
                    ? new Answer(400, Error("idempotency_error", null, $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{path}' vs '{stored.Path}'). Try using a key other than '{key}' if you meant to execute a different request."), false)
                    : stored.Parameters != canonical
                        ? new Answer(400, Error("idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."), false)
                        : new Answer(stored.Status, JsonNode.Parse(stored.Body)!.AsObject(), Replayed: true);
            }
            else
            {
                answer = Route(request.Method, path, parameters);
                if (key.Length > 0 && answer.Stored)
                {
                    _idempotent[key] = new StoredAnswer(request.Method, path, canonical, answer.Status, answer.Body.ToJsonString());
                }
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
            ("POST", ["v1", "refunds"]) => Checked(parameters, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"], () => Refund(parameters)),
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
        return new Answer(200, refund);
    }

    private Answer WithIntent(string id, Func<Intent, Answer> use) =>
        _intents.TryGetValue(id, out var intent)
            ? use(intent)
            : new Answer(404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"), false);

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
            ["card"] = new JsonObject { ["brand"] = charge.Card.Brand, ["last4"] = charge.Card.Last4, ["capture_before"] = charge.CaptureBefore },
        },
    };

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
