using Marketplace.Api;
using Marketplace.Identity;
using Marketplace.Catalog;
using Marketplace.Platform.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddMarketplaceHost();
builder.AddIdentityModule();
builder.AddCatalogModule();
builder.Services.AddMarketplaceBus(builder.Configuration);

var app = builder.Build();

if (await HostCommands.TryRunAsync(app, args))
{
    return;
}

app.UseMarketplaceHost();
app.MapSystemApi();
app.MapIdentityApi();
app.MapCatalogApi();

await app.RunAsync();

/// <summary>The host's entry point; public so that functional tests can start it.</summary>
public partial class Program;
