using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Marketplace.Delivery.Carriers.Cdek;

/// <summary>
/// CDEK API v2 over a typed <see cref="HttpClient"/> whose resilience pipeline (timeouts, retries, breaker) is set up
/// in <see cref="CdekRegistration"/>. Every call carries a bearer token from <see cref="CdekTokens"/>; a 401 mid-flow
/// (the token expired early, or was revoked) renews it once and repeats the call, which CDEK refused unread. Failures
/// to reach CDEK become <see cref="CarrierUnavailableException"/>; CDEK's own answers, errors included, are returned.
/// </summary>
internal sealed class CdekApi(HttpClient http, CdekTokens tokens)
{
    /// <summary>Set on a request that may be sent twice without harm; only those are retried.</summary>
    public static readonly HttpRequestOptionsKey<bool> SafeToRetry = new("marketplace.cdek.safe-to-retry");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<CdekAnswer<CdekTariffList>> TariffListAsync(CdekTariffListBody body, CancellationToken cancellationToken) =>
        SendAsync<CdekTariffList>(HttpMethod.Post, "calculator/tarifflist", body, safeToRetry: true, cancellationToken);

    public Task<CdekAnswer<List<CdekDeliveryPoint>>> DeliveryPointsAsync(string query, CancellationToken cancellationToken) =>
        SendAsync<List<CdekDeliveryPoint>>(HttpMethod.Get, "deliverypoints?" + query, null, safeToRetry: true, cancellationToken);

    /// <summary>Never retried blindly: CDEK has no idempotency key, so a repeat could make a second order.</summary>
    public Task<CdekAnswer<CdekEntityAnswer>> CreateOrderAsync(CdekOrderBody body, CancellationToken cancellationToken) =>
        SendAsync<CdekEntityAnswer>(HttpMethod.Post, "orders", body, safeToRetry: false, cancellationToken);

    public Task<CdekAnswer<CdekOrderAnswer>> GetOrderAsync(Guid uuid, CancellationToken cancellationToken) =>
        SendAsync<CdekOrderAnswer>(HttpMethod.Get, $"orders/{uuid}", null, safeToRetry: true, cancellationToken);

    public Task<CdekAnswer<CdekOrderAnswer>> FindOrderAsync(string field, string value, CancellationToken cancellationToken) =>
        SendAsync<CdekOrderAnswer>(HttpMethod.Get, $"orders?{field}={Uri.EscapeDataString(value)}", null, safeToRetry: true, cancellationToken);

    public Task<CdekAnswer<CdekEntityAnswer>> DeleteOrderAsync(Guid uuid, CancellationToken cancellationToken) =>
        SendAsync<CdekEntityAnswer>(HttpMethod.Delete, $"orders/{uuid}", null, safeToRetry: true, cancellationToken);

    /// <summary>A repeat only makes another print job of the same waybill, so it is safe to retry.</summary>
    public Task<CdekAnswer<CdekEntityAnswer>> RequestWaybillAsync(Guid orderUuid, CancellationToken cancellationToken) =>
        SendAsync<CdekEntityAnswer>(HttpMethod.Post, "print/orders", new CdekPrintBody([new CdekPrintOrder(orderUuid)], 2), safeToRetry: true, cancellationToken);

    public Task<CdekAnswer<CdekPrintAnswer>> GetWaybillAsync(Guid printUuid, CancellationToken cancellationToken) =>
        SendAsync<CdekPrintAnswer>(HttpMethod.Get, $"print/orders/{printUuid}", null, safeToRetry: true, cancellationToken);

    private async Task<CdekAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, bool safeToRetry, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var renewed = false;
            while (true)
            {
                var token = await tokens.GetAsync(http, cancellationToken);
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Options.Set(SafeToRetry, safeToRetry);
                if (body is not null)
                {
                    request.Content = JsonContent.Create(body, body.GetType(), options: Json);
                }

                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed)
                {
                    renewed = true;
                    tokens.Forget(token);
                    continue;
                }

                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    throw new CarrierUnavailableException(KnownCarriers.Cdek, $"CDEK answered {(int)response.StatusCode} to {method} {path}.");
                }

                return await ReadAsync<T>(response, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or JsonException
                                  || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CarrierUnavailableException(KnownCarriers.Cdek, $"CDEK did not answer {method} {path}: {e.Message}", e);
        }
    }

    private static async Task<CdekAnswer<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new CdekAnswer<T>(response.StatusCode, text.Length == 0 ? null : JsonSerializer.Deserialize<T>(text, Json), []);
        }

        // 4xx: CDEK's error shape is {"requests":[{"errors":[{"code","message"}]}]}, or {"errors":[…]} on some routes.
        List<CdekError> errors = [];
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            var failure = JsonSerializer.Deserialize<CdekFailure>(text, Json);
            errors = [.. failure?.Errors ?? [], .. (failure?.Requests ?? []).SelectMany(r => r.Errors ?? [])];
        }

        return new CdekAnswer<T>(response.StatusCode, null, errors);
    }
}

/// <summary>
/// The OAuth token of the client credentials, shared by every call of the host and cached until
/// <see cref="CdekOptions.TokenRenewalMargin"/> before it expires. One caller at a time renews it.
/// </summary>
internal sealed class CdekTokens(IOptions<CdekOptions> options, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private (string Value, DateTimeOffset RenewAt)? _token;

    /// <summary>How many tokens this host obtained; tests read it to see the cache and the renewal at work.</summary>
    public int Obtained { get; private set; }

    public async Task<string> GetAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (_token is { } cached && clock.GetUtcNow() < cached.RenewAt)
        {
            return cached.Value;
        }

        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } renewed && clock.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Value;
            }

            var settings = options.Value;

            // The credentials go in the form body, which CDEK accepts as well as the query: a URL is logged, a body is not.
            using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = settings.ClientId!,
                    ["client_secret"] = settings.ClientSecret!,
                }),
            };
            request.Options.Set(CdekApi.SafeToRetry, true);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CarrierUnavailableException(KnownCarriers.Cdek, $"CDEK refused the client credentials with {(int)response.StatusCode}.");
            }

            var token = await response.Content.ReadFromJsonAsync<CdekToken>(CdekApi.Json, cancellationToken)
                        ?? throw new CarrierUnavailableException(KnownCarriers.Cdek, "CDEK answered the token request with no body.");
            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
            var margin = settings.TokenRenewalMargin < lifetime ? settings.TokenRenewalMargin : lifetime / 2;
            _token = (token.AccessToken, clock.GetUtcNow() + lifetime - margin);
            Obtained++;
            return token.AccessToken;
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>CDEK refused this token: the next call gets a new one (unless another caller renewed it already).</summary>
    public void Forget(string token)
    {
        if (_token is { } cached && cached.Value == token)
        {
            _token = null;
        }
    }

    public void Dispose() => _renewing.Dispose();
}

internal sealed record CdekAnswer<T>(HttpStatusCode Status, T? Body, IReadOnlyList<CdekError> Errors)
    where T : class;

internal sealed record CdekToken(string AccessToken, string TokenType, int ExpiresIn);

internal sealed record CdekError(string Code, string Message);

internal sealed record CdekFailure(List<CdekError>? Errors, List<CdekRequestState>? Requests);

internal sealed record CdekLocation(
    string? CountryCode = null, string? PostalCode = null, string? City = null, string? Address = null, int? Code = null);

internal sealed record CdekPackageSize(int Weight, int Length, int Width, int Height);

internal sealed record CdekTariffListBody(int Type, int Currency, string Lang, CdekLocation FromLocation, CdekLocation ToLocation, IReadOnlyList<CdekPackageSize> Packages);

internal sealed record CdekTariff(
    int TariffCode, string TariffName, string? TariffDescription, int DeliveryMode, decimal DeliverySum, int PeriodMin, int PeriodMax);

internal sealed record CdekTariffList(List<CdekTariff>? TariffCodes, List<CdekError>? Errors);

internal sealed record CdekPhone(string Number);

internal sealed record CdekContact(string Name, IReadOnlyList<CdekPhone> Phones, string? Company = null, string? Email = null);

internal sealed record CdekMoney(decimal Value);

internal sealed record CdekItem(string Name, string WareKey, CdekMoney Payment, decimal Cost, int Weight, int Amount);

internal sealed record CdekPackage(string Number, int Weight, int Length, int Width, int Height, IReadOnlyList<CdekItem> Items);

internal sealed record CdekOrderBody(
    int Type,
    string Number,
    int TariffCode,
    CdekContact Recipient,
    CdekContact Sender,
    IReadOnlyList<CdekPackage> Packages,
    CdekLocation? FromLocation = null,
    string? ShipmentPoint = null,
    CdekLocation? ToLocation = null,
    string? DeliveryPoint = null);

internal sealed record CdekEntityRef(Guid Uuid);

internal sealed record CdekRequestState(Guid? RequestUuid, string? Type, string? State, string? DateTime, List<CdekError>? Errors);

internal sealed record CdekEntityAnswer(CdekEntityRef? Entity, List<CdekRequestState>? Requests);

internal sealed record CdekStatus(string Code, string Name, string DateTime, string? City);

internal sealed record CdekOrder(Guid Uuid, string? Number, string? CdekNumber, int TariffCode, List<CdekStatus>? Statuses);

internal sealed record CdekOrderAnswer(CdekOrder? Entity, List<CdekRequestState>? Requests);

internal sealed record CdekPrintOrder(Guid OrderUuid);

internal sealed record CdekPrintBody(IReadOnlyList<CdekPrintOrder> Orders, int CopyCount);

internal sealed record CdekPrint(Guid Uuid, string? Url, List<CdekStatus>? Statuses);

internal sealed record CdekPrintAnswer(CdekPrint? Entity, List<CdekRequestState>? Requests);

internal sealed record CdekPointLocation(string CountryCode, string? PostalCode, string City, string Address, double Latitude, double Longitude);

internal sealed record CdekDeliveryPoint(string Code, string Name, string Type, CdekPointLocation Location, string? WorkTime);

/// <summary>CDEK writes times as <c>2020-03-16T18:09:35+0700</c>: an offset without the colon .NET's parser wants.</summary>
internal static class CdekTime
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:sszzz";

    public static DateTimeOffset Parse(string text)
    {
        if (text.Length >= 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit))
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    public static string Write(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + at.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
}
