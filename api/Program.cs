using Marketplace.Api;
using Marketplace.Cart;
using Marketplace.Catalog;
using Marketplace.Config;
using Marketplace.Delivery;
using Marketplace.Identity;
using Marketplace.Notifications;
using Marketplace.Ordering;
using Marketplace.Payments;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;

if (args is ["healthcheck", ..])
{
    return await HealthProbe.RunAsync();
}

args = DeploymentSettings.WithShortFlags(args);
var builder = WebApplication.CreateBuilder(args);
DeploymentSettings.Require(builder, args);

builder.AddMarketplaceHost();
builder.AddConfigModule();
builder.AddIdentityModule();
builder.AddCatalogModule();
builder.AddCartModule();
builder.AddPaymentsModule();
builder.AddDeliveryModule();
builder.AddOrderingModule();
builder.AddNotificationsModule();
builder.Services.AddMarketplaceBus(builder.Configuration);

var app = builder.Build();

if (await HostCommands.TryRunAsync(app, args))
{
    return 0;
}

app.UseMarketplaceHost();
app.MapSystemApi();
if (!HostRoles.Of(app.Configuration).ServesApi())
{
    // The worker answers its health probes (and metrics, on their own port) and nothing else.
    await app.RunAsync();
    return 0;
}

app.MapStorefrontAssets();
app.MapIdentityApi();
app.MapCatalogApi();
app.MapConfigApi();
app.MapCartApi();
app.MapPaymentsApi();
app.MapDeliveryApi();
app.MapOrderingApi();
app.MapNotificationsApi();

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public so that functional tests can start it.</summary>
public partial class Program;
