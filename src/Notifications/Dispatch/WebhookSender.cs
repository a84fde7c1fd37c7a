using System.Diagnostics;
using System.Net.Http;
using System.Text;
using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Webhooks;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Dispatch;

/// <summary>What one attempt yielded: the receiver's status code (none when no answer came), how long it took, and what went wrong.</summary>
internal sealed record AttemptOutcome(int? StatusCode, long LatencyMs, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    public bool Gone => StatusCode == 410;
}

/// <summary>
/// Sends one delivery as a Standard Webhooks request: a POST of the stored body with <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature</c>, through the guarded client (no redirects, capped body).
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string ClientName = "webhooks";

    private const int KeptBodyChars = 200;

    public async Task<AttemptOutcome> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            return new AttemptOutcome(null, 0, "refused: the endpoint's URL is not an http(s) URL");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.WebhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSecrets.SignatureHeader(endpoint.SigningSecrets(now), delivery.WebhookId, timestamp, delivery.Payload));
        request.Headers.UserAgent.ParseAdd("Marketplace-Webhooks/1.0");

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadCappedAsync(response, cancellationToken);
            var code = (int)response.StatusCode;
            string? error = code switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"HTTP {code}: redirects are not followed (Location: {Shorten(response.Headers.Location?.ToString() ?? "none")})",
                _ => $"HTTP {code}: {Shorten(body)}",
            };
            return new AttemptOutcome(code, watch.ElapsedMilliseconds, error);
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            return new AttemptOutcome(null, watch.ElapsedMilliseconds, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new AttemptOutcome(null, watch.ElapsedMilliseconds, $"no answer: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(null, watch.ElapsedMilliseconds, $"no answer within {options.Value.SendTimeout.TotalSeconds:0.###} s");
        }
    }

    private static WebhookTargetRefusedException? Refusal(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>Reads at most <c>MaxResponseBodyBytes</c>: a receiver cannot make the sender read a body without end.</summary>
    private async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var cap = options.Value.MaxResponseBodyBytes;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(cap, 16 * 1024)];
        var kept = new MemoryStream();
        var total = 0;
        while (total < cap)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, cap - total)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (kept.Length < KeptBodyChars * 4)
            {
                kept.Write(buffer, 0, read);
            }
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }

    private static string Shorten(string text) => text.Length > KeptBodyChars ? text[..KeptBodyChars] + "…" : text;
}
