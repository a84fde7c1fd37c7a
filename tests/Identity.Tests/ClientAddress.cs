using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Gives a test request the connection address named in <see cref="Header"/>, as a socket would; the test server
/// has none of its own. Runs before the host's pipeline, so forwarded-header handling sees it as the peer.
/// </summary>
internal sealed class ClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Connection-Address";

    public static void Install(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddress>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext http, RequestDelegate nextStep) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var address))
            {
                http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                http.Request.Headers.Remove(Header);
            }

            return nextStep(http);
        });
        next(app);
    };

    public static HttpClient From(HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }
}
