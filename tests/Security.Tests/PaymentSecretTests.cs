using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// The sandbox's confirmation route opens a payment by its client secret alone, because the payer may be a guest:
/// another payment's secret, a forged one or an altered one gets the same 404 as an unknown payment, whoever calls,
/// and the payment stays as it was. Payments are arranged through the public port Ordering calls.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class PaymentSecretTests(SecurityHost host)
{
    [Fact]
    public async Task Only_the_payments_own_client_secret_answers_its_authentication_step()
    {
        var victim = await RequireActionAsync();
        var other = await RequireActionAsync();
        var secret = victim.NextAction!.ClientSecret;
        var forged = new[]
        {
            other.NextAction!.ClientSecret,
            secret.Replace(victim.PaymentId.ToString("N"), other.PaymentId.ToString("N"), StringComparison.Ordinal),
            secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a'),
            secret.ToUpperInvariant(),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        var callers = new (string Who, HttpClient Client)[]
        {
            ("anonymous", host.CreateClient()), ("a customer", host.CreateClient(host.CustomerB.AccessToken)),
            ("seller B's owner", host.CreateClient(host.B.Owner.AccessToken)), ("an admin", host.CreateClient(host.AdminToken)),
        };

        var violations = new List<string>();
        foreach (var (who, client) in callers)
        {
            foreach (var attempt in forged)
            {
                var answer = await client.PostAsJsonAsync(victim.NextAction.ConfirmationPath, new { clientSecret = attempt, outcome = "Complete" });
                if (answer.StatusCode != HttpStatusCode.NotFound || !answer.IsProblem())
                {
                    violations.Add($"{who} with secret {Answers.Show(attempt, 24)}: {await answer.DescribeAsync()}");
                }
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Another secret must open nothing", violations));
        Assert.Equal(PaymentStatus.RequiresAction, (await StateAsync(victim.PaymentId)).Status);
        var rightful = await host.CreateClient().PostAsJsonAsync(victim.NextAction.ConfirmationPath, new { clientSecret = secret, outcome = "Complete" });
        Assert.Equal(HttpStatusCode.OK, rightful.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, (await StateAsync(victim.PaymentId)).Status);
    }

    private async Task<PaymentState> RequireActionAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IPayments>().AuthorizeAsync(
            new AuthorizePayment(Guid.NewGuid(), Money.Of(25m, "EUR"), "pm_card_authenticationRequired", "payer@tests.local"), CancellationToken.None);
        Assert.Equal(PaymentStatus.RequiresAction, result.Payment?.Status);
        return result.Payment!;
    }

    private async Task<PaymentState> StateAsync(Guid paymentId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IPayments>().GetAsync(paymentId, CancellationToken.None))!;
    }
}
