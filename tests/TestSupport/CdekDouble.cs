using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
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
/// An in-test double of the CDEK API v2 as its documentation describes it, on a real Kestrel listener on 127.0.0.1:
/// OAuth client credentials (<c>POST /v2/oauth/token</c>, from the query or a form body) with bearer tokens that expire
/// after <see cref="TokenLifetime"/> (401 once expired, unknown or missing); the tariff calculator; pickup points;
/// asynchronous orders (202 with the uuid, the creation request <c>ACCEPTED</c> until it has been read
/// <see cref="ReadsUntilAccepted"/> times, then <c>SUCCESSFUL</c> with a CDEK number, or <c>INVALID</c> with errors);
/// lookups by <c>cdek_number</c> and <c>im_number</c>; deletion while the parcels are not handed over; waybills;
/// webhook subscriptions. It writes CDEK's snake_case JSON itself, with times as <c>2020-03-16T18:09:35+0700</c> and
/// statuses newest first. Switches make it answer 500s (<see cref="FailNextCalls"/>, <see cref="Down"/>) or hang
/// (<see cref="Hang"/>), to test retries and the circuit breaker.
/// </summary>
public sealed class CdekDouble : IAsyncDisposable
{
    public const string ClientId = "marketplace-test";
    public const string ClientSecret = "cdek-test-secret";

    /// <summary>Tariffs it prices: code, name, delivery mode (3 office to door, 4 office to office, 7 office to locker), base price, price per kg, days.</summary>
    public static readonly IReadOnlyList<(int Code, string Name, int Mode, decimal Base, decimal PerKg, int Min, int Max)> Tariffs =
    [
        (136, "Parcel warehouse-warehouse", 4, 250m, 40m, 2, 4),
        (137, "Parcel warehouse-door", 3, 400m, 50m, 2, 5),
        (368, "Parcel warehouse-postamat", 7, 230m, 35m, 3, 5),
    ];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Order> _orders = [];
    private readonly Dictionary<Guid, Print> _prints = [];
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<JsonObject> _webhooks = new();
    private WebApplication? _app;
    private int _port;
    private long _nextNumber = 1_100_000_000;
    private int _failNext;

    private sealed class Order
    {
        public required Guid Uuid { get; init; }

        public required JsonObject Body { get; init; }

        public int Reads { get; set; }

        public string? CdekNumber { get; set; }

        public List<JsonObject>? Errors { get; init; }

        public List<(string Code, string Name, DateTimeOffset At)> Statuses { get; } = [];
    }

    private sealed class Print
    {
        public required Guid Uuid { get; init; }

        public int Reads { get; set; }
    }

    public string Address => $"http://127.0.0.1:{_port}";

    /// <summary>The base URL to configure the carrier with.</summary>
    public Uri BaseUrl => new($"{Address}/v2");

    /// <summary>How long an issued token lives (<c>expires_in</c>); CDEK's is an hour.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many reads of a new order answer its creation as still <c>ACCEPTED</c> (and of a waybill as not ready).</summary>
    public int ReadsUntilAccepted { get; set; } = 2;

    /// <summary>The next this many API calls (the token endpoint included) answer 500.</summary>
    public int FailNextCalls
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    /// <summary>Every call answers 500 while set.</summary>
    public bool Down { get; set; }

    /// <summary>Every call waits, answering nothing, until the client gives up, while set.</summary>
    public bool Hang { get; set; }

    /// <summary>Every call received, as <c>METHOD /path</c>, in order.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    public int TokensIssued { get; private set; }

    public IReadOnlyList<JsonObject> WebhookSubscriptions => [.. _webhooks];

    public int CountOf(string method, string path) => _calls.Count(c => c == $"{method} {path}");

    public static async Task<CdekDouble> StartNewAsync()
    {
        var cdek = new CdekDouble();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.Use(cdek.GateAsync);
        app.MapPost("/v2/oauth/token", cdek.TokenAsync);
        app.MapPost("/v2/calculator/tarifflist", cdek.TariffListAsync);
        app.MapGet("/v2/deliverypoints", cdek.DeliveryPoints);
        app.MapPost("/v2/orders", cdek.CreateOrderAsync);
        app.MapGet("/v2/orders/{uuid:guid}", cdek.GetOrder);
        app.MapGet("/v2/orders", cdek.FindOrder);
        app.MapDelete("/v2/orders/{uuid:guid}", cdek.DeleteOrder);
        app.MapPost("/v2/print/orders", cdek.CreatePrintAsync);
        app.MapGet("/v2/print/orders/{uuid:guid}", cdek.GetPrint);
        app.MapPost("/v2/webhooks", cdek.SubscribeAsync);
        await app.StartAsync();
        cdek._port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        cdek._app = app;
        return cdek;
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

    /// <summary>Every token issued so far stops working now, as when CDEK's hour runs out mid-flow.</summary>
    public void ExpireTokens()
    {
        lock (_lock)
        {
            foreach (var token in _tokens.Keys.ToList())
            {
                _tokens[token] = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>Moves an order on, as CDEK's offices do: the status is added (newest first in answers).</summary>
    public void AddStatus(string cdekNumber, string code, string name, DateTimeOffset at)
    {
        lock (_lock)
        {
            _orders.Values.Single(o => o.CdekNumber == cdekNumber).Statuses.Add((code, name, at));
        }
    }

    public string? StatusOf(string cdekNumber)
    {
        lock (_lock)
        {
            return _orders.Values.SingleOrDefault(o => o.CdekNumber == cdekNumber)?.Statuses.MaxBy(s => s.At).Code;
        }
    }

    public int OrderCount
    {
        get
        {
            lock (_lock)
            {
                return _orders.Count;
            }
        }
    }

    private async Task GateAsync(HttpContext http, RequestDelegate next)
    {
        _calls.Enqueue($"{http.Request.Method} {http.Request.Path}");
        if (Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, which is what a hang is for.
            }

            return;
        }

        if (Down || Interlocked.Decrement(ref _failNext) >= 0)
        {
            await WriteAsync(http, 500, new { requests = new[] { new { state = "INVALID", errors = new[] { new { code = "v2_internal_error", message = "Internal server error" } } } } });
            return;
        }

        Interlocked.Exchange(ref _failNext, Math.Max(0, Volatile.Read(ref _failNext)));
        if (http.Request.Path != "/v2/oauth/token" && !Authorised(http))
        {
            // As CDEK: a missing, unknown or expired token is 401 with its own error body.
            await WriteAsync(http, 401, new { requests = new[] { new { state = "INVALID", errors = new[] { new { code = "v2_token_expired", message = "Token is expired or invalid" } } } } });
            return;
        }

        await next(http);
    }

    private bool Authorised(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        lock (_lock)
        {
            return _tokens.TryGetValue(header["Bearer ".Length..], out var expires) && DateTimeOffset.UtcNow < expires;
        }
    }

    private async Task TokenAsync(HttpContext http)
    {
        var values = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (http.Request.HasFormContentType)
        {
            foreach (var field in await http.Request.ReadFormAsync())
            {
                values[field.Key] = field.Value.ToString();
            }
        }

        if (values.GetValueOrDefault("grant_type") != "client_credentials" || values.GetValueOrDefault("client_id") != ClientId
            || values.GetValueOrDefault("client_secret") != ClientSecret)
        {
            await WriteAsync(http, 401, new { error = "invalid_client", error_description = "Bad client credentials" });
            return;
        }

        var token = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        lock (_lock)
        {
            _tokens[token] = DateTimeOffset.UtcNow + TokenLifetime;
            TokensIssued++;
        }

        await WriteAsync(http, 200, new { access_token = token, token_type = "bearer", expires_in = (int)TokenLifetime.TotalSeconds, scope = "order:all payment:all", jti = Guid.NewGuid() });
    }

    private async Task TariffListAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        var to = body?["to_location"] as JsonObject;
        var packages = body?["packages"] as JsonArray;
        var errors = new List<object>();
        if (body?["from_location"] is not JsonObject || to is null)
        {
            errors.Add(new { code = "v2_field_is_empty", message = "from_location and to_location are required" });
        }
        else if ((string?)to["country_code"] != "RU")
        {
            errors.Add(new { code = "v2_city_not_found", message = $"No city found for country {(string?)to["country_code"]}" });
        }

        if (packages is not { Count: > 0 } || packages.Any(p => (int?)p?["weight"] is not > 0))
        {
            errors.Add(new { code = "v2_field_is_empty", message = "packages with a weight are required" });
        }

        if (errors.Count > 0)
        {
            await WriteAsync(http, 400, new { errors });
            return;
        }

        // CDEK charges the larger of actual and volumetric (L×W×H cm / 5000 kg) weight, per started kilogram.
        var kilograms = packages!.Sum(p => Math.Ceiling(Math.Max((int)p!["weight"]!, (int?)p["length"] * (int?)p["width"] * (int?)p["height"] / 5.0 ?? 0) / 1000.0));
        await WriteAsync(http, 200, new
        {
            tariff_codes = Tariffs.Select(t => new
            {
                tariff_code = t.Code, tariff_name = t.Name, tariff_description = t.Name, delivery_mode = t.Mode,
                delivery_sum = t.Base + (t.PerKg * (decimal)kilograms), period_min = t.Min, period_max = t.Max, calendar_min = t.Min, calendar_max = t.Max + 2,
            }),
        });
    }

    private IResult DeliveryPoints(HttpContext http)
    {
        var country = http.Request.Query["country_code"].ToString();
        if (country.Length == 0)
        {
            country = "RU";
        }

        if (country != "RU")
        {
            return Results.Json(Array.Empty<object>());
        }

        var postal = http.Request.Query["postal_code"].ToString();
        return Results.Json(new object[]
        {
            Point("MSK123", "Moscow, Tverskaya", "PVZ", postal, 55.7648, 37.6055),
            Point("MSK456", "Moscow, Arbat locker", "POSTAMAT", postal, 55.7520, 37.5929),
        });
    }

    private static object Point(string code, string name, string type, string postal, double latitude, double longitude) => new
    {
        code, name, type, work_time = "Mon-Fri 10:00-20:00",
        location = new { country_code = "RU", region = "Moscow", city = "Moscow", postal_code = postal, address = name, address_full = name, latitude, longitude },
    };

    private async Task CreateOrderAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        var missing = new List<string>();
        if ((int?)body?["tariff_code"] is null)
        {
            missing.Add("tariff_code");
        }

        if (string.IsNullOrWhiteSpace((string?)body?["recipient"]?["name"]))
        {
            missing.Add("recipient.name");
        }

        if (body?["recipient"]?["phones"] is not JsonArray { Count: > 0 } phones || string.IsNullOrWhiteSpace((string?)phones[0]?["number"]))
        {
            missing.Add("recipient.phones");
        }

        if (body?["packages"] is not JsonArray { Count: > 0 } packages || packages.Any(p => (int?)p?["weight"] is not > 0 || string.IsNullOrEmpty((string?)p["number"])))
        {
            missing.Add("packages");
        }

        if (body?["to_location"] is null && body?["delivery_point"] is null)
        {
            missing.Add("to_location");
        }

        if (body?["from_location"] is null && body?["shipment_point"] is null)
        {
            missing.Add("from_location");
        }

        if (missing.Count > 0)
        {
            await WriteAsync(http, 400, new
            {
                requests = new[] { new { type = "CREATE", state = "INVALID", errors = missing.Select(m => new { code = "v2_field_is_empty", message = $"Field is empty: {m}" }) } },
            });
            return;
        }

        // What CDEK checks after accepting the request: the tariff, and a pickup point for tariffs that end at one.
        var errors = new List<JsonObject>();
        var tariff = Tariffs.FirstOrDefault(t => t.Code == (int)body!["tariff_code"]!);
        if (tariff.Code == 0)
        {
            errors.Add(new JsonObject { ["code"] = "v2_tariff_not_found", ["message"] = $"Tariff {(int)body!["tariff_code"]!} is not available" });
        }
        else if (tariff.Mode is 4 or 7 && body!["delivery_point"] is null)
        {
            errors.Add(new JsonObject { ["code"] = "v2_delivery_point_is_empty", ["message"] = "delivery_point is required for this tariff" });
        }
        else if ((string?)body!["to_location"]?["country_code"] is { } country && country != "RU")
        {
            errors.Add(new JsonObject { ["code"] = "v2_city_not_found", ["message"] = $"No city found for country {country}" });
        }

        var order = new Order { Uuid = Guid.NewGuid(), Body = body!, Errors = errors.Count > 0 ? errors : null };
        lock (_lock)
        {
            order.Statuses.Add(("ACCEPTED", "Accepted", DateTimeOffset.UtcNow));
            _orders[order.Uuid] = order;
        }

        await WriteAsync(http, 202, new { entity = new { uuid = order.Uuid }, requests = new[] { new { request_uuid = Guid.NewGuid(), type = "CREATE", state = "ACCEPTED", date_time = Time(DateTimeOffset.UtcNow) } } });
    }

    private IResult GetOrder(Guid uuid)
    {
        lock (_lock)
        {
            if (!_orders.TryGetValue(uuid, out var order))
            {
                return NotFound(uuid.ToString());
            }

            order.Reads++;
            if (order.Reads >= ReadsUntilAccepted && order.Errors is null && order.CdekNumber is null)
            {
                order.CdekNumber = (++_nextNumber).ToString(CultureInfo.InvariantCulture);
                order.Statuses.Add(("CREATED", "Created", DateTimeOffset.UtcNow));
            }

            return Results.Json(OrderAnswer(order), statusCode: 200);
        }
    }

    private IResult FindOrder(HttpContext http)
    {
        var cdekNumber = http.Request.Query["cdek_number"].ToString();
        var imNumber = http.Request.Query["im_number"].ToString();
        lock (_lock)
        {
            var order = _orders.Values.FirstOrDefault(o =>
                (cdekNumber.Length > 0 && o.CdekNumber == cdekNumber) || (imNumber.Length > 0 && (string?)o.Body["number"] == imNumber));
            return order is null ? NotFound(cdekNumber + imNumber) : Results.Json(OrderAnswer(order));
        }
    }

    private IResult DeleteOrder(Guid uuid)
    {
        lock (_lock)
        {
            if (!_orders.TryGetValue(uuid, out var order))
            {
                return NotFound(uuid.ToString());
            }

            var last = order.Statuses.MaxBy(s => s.At).Code;
            if (last is not ("ACCEPTED" or "CREATED"))
            {
                return Results.Json(new { requests = new[] { new { type = "DELETE", state = "INVALID", errors = new[] { new { code = "v2_order_status_forbidden", message = $"The order cannot be deleted in status {last}" } } } } }, statusCode: 400);
            }

            order.Statuses.Add(("REMOVED", "Removed", DateTimeOffset.UtcNow));
            return Results.Json(new { entity = new { uuid }, requests = new[] { new { request_uuid = Guid.NewGuid(), type = "DELETE", state = "ACCEPTED", date_time = Time(DateTimeOffset.UtcNow) } } }, statusCode: 202);
        }
    }

    private async Task CreatePrintAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        var uuids = (body?["orders"] as JsonArray)?.Select(o => Guid.TryParse((string?)o?["order_uuid"], out var id) ? id : Guid.Empty).ToList() ?? [];
        bool known;
        lock (_lock)
        {
            known = uuids.Count > 0 && uuids.TrueForAll(id => _orders.TryGetValue(id, out var o) && o.CdekNumber is not null);
        }

        if (!known)
        {
            await WriteAsync(http, 400, new { requests = new[] { new { type = "CREATE", state = "INVALID", errors = new[] { new { code = "v2_entity_not_found", message = "orders: no such accepted order" } } } } });
            return;
        }

        var print = new Print { Uuid = Guid.NewGuid() };
        lock (_lock)
        {
            _prints[print.Uuid] = print;
        }

        await WriteAsync(http, 202, new { entity = new { uuid = print.Uuid }, requests = new[] { new { type = "CREATE", state = "ACCEPTED" } } });
    }

    private IResult GetPrint(Guid uuid)
    {
        lock (_lock)
        {
            if (!_prints.TryGetValue(uuid, out var print))
            {
                return NotFound(uuid.ToString());
            }

            print.Reads++;
            var ready = print.Reads >= ReadsUntilAccepted;
            return Results.Json(new
            {
                entity = new
                {
                    uuid, url = ready ? $"{Address}/v2/print/orders/{uuid}.pdf" : null,
                    statuses = ready ? new[] { new { code = "READY", name = "Ready" }, new { code = "ACCEPTED", name = "Accepted" } } : [new { code = "ACCEPTED", name = "Accepted" }],
                },
            });
        }
    }

    private async Task SubscribeAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        if ((string?)body?["type"] is not ("ORDER_STATUS" or "PRINT_FORM") || !Uri.TryCreate((string?)body["url"], UriKind.Absolute, out _))
        {
            await WriteAsync(http, 400, new { requests = new[] { new { type = "CREATE", state = "INVALID", errors = new[] { new { code = "v2_bad_request", message = "type and url are required" } } } } });
            return;
        }

        _webhooks.Enqueue(body);
        await WriteAsync(http, 200, new { entity = new { uuid = Guid.NewGuid() }, requests = new[] { new { type = "CREATE", state = "SUCCESSFUL" } } });
    }

    private static object OrderAnswer(Order order) => new
    {
        entity = new
        {
            uuid = order.Uuid,
            type = 1,
            number = (string?)order.Body["number"],
            cdek_number = order.CdekNumber,
            tariff_code = (int?)order.Body["tariff_code"],
            statuses = order.Statuses.OrderByDescending(s => s.At).Select(s => new { code = s.Code, name = s.Name, date_time = Time(s.At), city = "Moscow" }),
        },
        requests = new[]
        {
            new
            {
                request_uuid = order.Uuid, type = "CREATE",
                state = order.Errors is not null ? "INVALID" : order.CdekNumber is null ? "ACCEPTED" : "SUCCESSFUL",
                date_time = Time(order.Statuses[0].At),
                errors = (IEnumerable<JsonObject>)(order.Errors ?? []),
            },
        },
    };

    private static IResult NotFound(string what) => Results.Json(
        new { requests = new[] { new { type = "GET", state = "INVALID", errors = new[] { new { code = "v2_entity_not_found", message = $"Entity is not found: {what}" } } } } },
        statusCode: 404);

    private static string Time(DateTimeOffset at)
    {
        var moscow = at.ToOffset(TimeSpan.FromHours(3));
        return moscow.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0300";
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext http)
    {
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return null;
        }

        try
        {
            return await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(body, body.GetType());
    }
}
