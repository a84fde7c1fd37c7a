using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Marketplace.TestSupport;

/// <summary>
/// Gives a test client an address of its own. The TestServer leaves the connection's remote address empty, so every
/// client would share one per-IP rate-limit bucket and a single global limit would pass as "per client". A client
/// from <see cref="MarketplaceFactory.CreateClient(IPAddress, string?)"/> names its address in a header that only the
/// test host reads; the first middleware of the pipeline moves it to the connection, before anything of the product
/// (forwarded headers included) sees the request. Clients without the header keep the empty address.
/// </summary>
internal sealed class ClientAddresses : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.Remove(Header, out var value) && IPAddress.TryParse(value, out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
