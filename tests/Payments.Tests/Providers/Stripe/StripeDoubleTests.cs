using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Providers.Stripe;

/// <summary>The double refuses what Stripe refuses, so that the adapter cannot pass against it by sending what Stripe would not take.</summary>
public sealed class StripeDoubleTests : IAsyncLifetime
{
    private StripeDouble _stripe = null!;

    public async Task InitializeAsync() => _stripe = await StripeDouble.StartAsync();

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    [Fact]
    public async Task A_request_without_the_secret_key_is_401_and_an_unknown_parameter_is_named()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_stripe.Address) };
        using var client = Client();

        var unauthorised = await anonymous.PostAsync("/v1/payment_intents", Form(("amount", "100"), ("currency", "eur")));
        var unknown = await client.PostAsync("/v1/payment_intents", Form(("amount", "100"), ("currency", "eur"), ("colour", "red")));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("colour", (await ErrorOf(unknown)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_stored_answer_and_refuses_other_parameters()
    {
        using var client = Client();
        HttpRequestMessage Create(string amount) => new(HttpMethod.Post, "/v1/payment_intents")
        {
            Content = Form(("amount", amount), ("currency", "eur"), ("capture_method", "manual"), ("confirm", "true"), ("payment_method", "pm_card_visa"), ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never")),
            Headers = { { "Idempotency-Key", "pi:one" } },
        };

        var first = await client.SendAsync(Create("100"));
        var replay = await client.SendAsync(Create("100"));
        var other = await client.SendAsync(Create("200"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Equal("idempotency_error", (await ErrorOf(other)).GetProperty("type").GetString());
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri(_stripe.Address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StripeDouble.SecretKey);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
}
