using System.Collections.Concurrent;
using System.Data.Common;
using Marketplace.Ordering.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests.Lists;

/// <summary>
/// The Ordering host that writes down every SQL command Ordering's database runs for a request carrying
/// <see cref="Header"/>, so that a test can tell what one list page costs. Background work (the outbox relay, the
/// sweeper) carries no request and is not counted.
/// </summary>
public sealed class SqlCountingOrderingHost : OrderingHost
{
    public const string Header = "X-Test-Sql-Count";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _commands = new();

    /// <summary>Sends a GET and answers with the SQL commands Ordering's database ran for it, in order.</summary>
    public async Task<(HttpResponseMessage Response, IReadOnlyList<string> Commands)> GetCountingAsync(HttpClient client, string path)
    {
        var id = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { Header, id } } };
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response, _commands.TryRemove(id, out var commands) ? commands.ToList() : []);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpContextAccessor();
            services.ConfigureDbContext<OrderingDbContext>(
                (sp, options) => options.AddInterceptors(new RequestCommands(sp.GetRequiredService<IHttpContextAccessor>(), _commands)),
                ServiceLifetime.Singleton);
        });
    }

    private sealed class RequestCommands(IHttpContextAccessor http, ConcurrentDictionary<string, ConcurrentQueue<string>> commands) : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
            Note(command, result);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Note(command, result));

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
            Note(command, result);

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Note(command, result));

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
            Note(command, result);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Note(command, result));

        private T Note<T>(DbCommand command, T result)
        {
            if (http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } id)
            {
                commands.GetOrAdd(id, _ => new ConcurrentQueue<string>()).Enqueue(command.CommandText);
            }

            return result;
        }
    }
}
