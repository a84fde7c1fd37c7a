using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Delivery.Carriers.Cdek;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Tracking;

/// <summary>The attributes of CDEK's <c>ORDER_STATUS</c> webhook (API v2, "Webhooks").</summary>
internal sealed record CdekStatusAttributes(
    bool? IsReturn, JsonElement CdekNumber, string? Number, string? StatusCode, string? StatusReasonCode, string? StatusDateTime, string? CityName, string? CityCode);

/// <summary>CDEK's webhook body: the event type, when, the entity (the order's uuid) and its attributes.</summary>
internal sealed record CdekWebhookBody(string? Type, string? DateTime, Guid? Uuid, CdekStatusAttributes? Attributes);

/// <summary>
/// CDEK's <c>ORDER_STATUS</c> webhook. CDEK neither signs its calls nor sends a header of ours, so the address it is
/// subscribed with ends in a secret (<c>Delivery:Carriers:Cdek:WebhookSecret</c>), compared in constant time; a wrong
/// or missing one is 404, as for an address that does not exist. The status is mapped by <see cref="CdekStatusMap"/>
/// (an event of a return order, <c>is_return</c>, is <see cref="ShipmentStatus.Returned"/>) and recorded by
/// <see cref="ParcelProgress"/>, so repeats and late events change nothing wrong. CDEK does not resend a webhook it
/// could not deliver: polling (<see cref="TrackingPoll"/>) fills the gaps.
/// </summary>
internal static partial class ReceiveCdekWebhook
{
    public static async Task<Results<Ok, ProblemHttpResult, ValidationProblem>> Handle(
        string secret,
        HttpRequest request,
        IOptions<CdekOptions> cdek,
        IOptions<DeliverySettings> settings,
        ParcelProgress progress,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!SecretMatches(cdek.Value.WebhookSecret, secret))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        var limit = settings.Value.MaxWebhookBytes;
        if (await LimitedBody.ReadTextAsync(request, limit, cancellationToken) is not { } payload)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The webhook is too large",
                detail: $"CDEK's webhooks are far smaller than {limit} bytes (Delivery:MaxWebhookBytes).");
        }

        CdekWebhookBody? body;
        try
        {
            body = JsonSerializer.Deserialize<CdekWebhookBody>(payload, CdekApi.Json);
        }
        catch (JsonException e)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("$", $"Not a CDEK webhook: {e.Message}"));
        }

        var logger = loggers.CreateLogger(typeof(ReceiveCdekWebhook));
        if (body?.Type != "ORDER_STATUS")
        {
            LogIgnored(logger, body?.Type ?? "(none)");
            return TypedResults.Ok();
        }

        if (Read(body.Attributes) is not { } change)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("attributes",
                "An ORDER_STATUS webhook carries attributes.cdek_number, attributes.status_code and attributes.status_date_time (ISO 8601)."));
        }

        var status = body.Attributes!.IsReturn == true ? ShipmentStatus.Returned : CdekStatusMap.Normalise(change.Code);
        if (status is null)
        {
            LogUnknownStatus(logger, change.Code, change.Number);
            return TypedResults.Ok();
        }

        var description = string.IsNullOrWhiteSpace(body.Attributes.CityName) ? change.Code : $"{change.Code}, {body.Attributes.CityName}";
        var moved = await progress.RecordAsync(KnownCarriers.Cdek, change.Number, [new ShipmentEvent(change.At, status.Value, description)], cancellationToken);
        LogReceived(logger, change.Number, change.Code, moved);
        return TypedResults.Ok();
    }

    /// <summary>Compares hashes of both, so that neither the content nor the length of the secret leaks through timing.</summary>
    private static bool SecretMatches(string? expected, string given) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    private static (string Number, string Code, DateTimeOffset At)? Read(CdekStatusAttributes? attributes)
    {
        // The documentation types cdek_number as a long; some senders quote it.
        var number = attributes?.CdekNumber.ValueKind switch
        {
            JsonValueKind.Number => attributes.CdekNumber.GetRawText(),
            JsonValueKind.String => attributes.CdekNumber.GetString(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(number) || number.Length > 40 || string.IsNullOrWhiteSpace(attributes!.StatusCode) || attributes.StatusDateTime is not { } time)
        {
            return null;
        }

        var text = time;
        if (text.Length >= 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit))
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? (number.Trim(), attributes.StatusCode.Trim(), at)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CDEK webhook of type {Type} acknowledged; only ORDER_STATUS is followed.")]
    private static partial void LogIgnored(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CDEK status {Code} of order {Number} is not in the status table; acknowledged and left out.")]
    private static partial void LogUnknownStatus(ILogger logger, string code, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "CDEK webhook: order {Number} is {Code}; {Moved} parcel(s) moved.")]
    private static partial void LogReceived(ILogger logger, string number, string code, int moved);
}
