using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.TestSupport;

/// <summary>
/// An in-test double of the Elasticsearch 9 REST API on a real Kestrel listener on 127.0.0.1, for exactly the endpoints
/// the Catalog's search adapter uses: <c>HEAD /</c> (ping), <c>PUT/DELETE /{index}</c>, <c>GET /_alias/{name}</c>,
/// <c>POST /_aliases</c> (validated whole, then applied at once), <c>POST /{index}/_refresh</c>, <c>POST /{target}/_bulk</c>
/// (NDJSON; per-item status and error, <c>errors: true</c>; external versions with 409 version conflicts and delete
/// tombstones; <c>require_alias</c>; strict mappings rejecting unknown fields; fields that objects mapped
/// <c>dynamic: true</c> add, refused past the default total-fields limit of 1,000) and <c>POST /{target}/_search</c>.
/// Every answer carries <c>X-Elastic-Product: Elasticsearch</c> (the official client refuses a server without it);
/// errors are Elasticsearch's bodies with real status codes (<c>index_not_found_exception</c> 404 and so on).
/// <para>
/// Searches are evaluated over the documents held: <c>bool</c> (must, filter, should with minimum_should_match,
/// must_not), <c>term</c>, <c>terms</c>, <c>range</c> (numeric, or over keywords when its bounds are not numbers), <c>prefix</c>, <c>exists</c>, <c>match_all</c>,
/// <c>multi_match</c> (best_fields and bool_prefix, field boosts, <c>fuzziness</c> AUTO or a number as
/// Damerau-Levenshtein edits), <c>function_score</c> with <c>field_value_factor</c>, numeric <c>linear</c> decay and <c>weight</c> functions, each with an
/// optional <c>filter</c>; <c>sort</c> on fields and
/// <c>_score</c>, <c>search_after</c>, <c>size</c>, <c>from</c>, <c>track_total_hits</c>, <c>post_filter</c>, and the
/// aggregations <c>filter</c>, <c>terms</c> and <c>range</c> (with sub-aggregations and <c>typed_keys</c>). Anything
/// else is a 400 <c>parsing_exception</c>, so a request the real server would read differently fails the test. Text is
/// analysed as the index's <c>folded</c> analyser does (standard tokens, lower case, accents folded); scores are not
/// BM25 but keep its order where tests look (a title match above a brand one, exact above fuzzy). Documents are
/// visible at once (as after a refresh).
/// </para>
/// </summary>
public sealed class ElasticsearchDouble : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Index> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<int>> _itemFailures = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _port;
    private int _searches;
    private int _aliasUpdates;
    private int _bulkItems;

    private sealed class Index(string name, JsonObject mappings)
    {
        public string Name { get; } = name;

        public JsonObject Mappings { get; } = mappings;

        public Dictionary<string, (JsonObject Source, long Version)> Documents { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Tombstones { get; } = new(StringComparer.Ordinal);

        public long SeqNo { get; set; }

        /// <summary>Fields added by documents under objects mapped <c>dynamic: true</c>.</summary>
        public HashSet<string> DynamicFields { get; } = new(StringComparer.Ordinal);
    }

    public string Address => $"http://127.0.0.1:{_port}";

    /// <summary>
    /// When set, every request is answered with this status and an Elasticsearch error body: 401 and 403 as the
    /// security plugin answers bad credentials or missing privileges (<c>security_exception</c>), any other as a
    /// cluster without a master (503).
    /// </summary>
    public int? FailEverythingWith { get; set; }

    /// <summary>Runs when an <c>_aliases</c> request has been validated and before its actions are applied: a test searches here, mid-swap.</summary>
    public Func<Task>? BeforeAliasesApplied { get; set; }

    public int Searches => Volatile.Read(ref _searches);

    /// <summary><c>POST /_aliases</c> requests received, valid or not.</summary>
    public int AliasUpdates => Volatile.Read(ref _aliasUpdates);

    /// <summary>Bulk items received in all, retries included.</summary>
    public int BulkItems => Volatile.Read(ref _bulkItems);

    public static async Task<ElasticsearchDouble> StartNewAsync()
    {
        var double_ = new ElasticsearchDouble();
        await double_.StartAsync();
        return double_;
    }

    /// <summary>Listens again (on the same port after the first start), with the data kept.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    /// <summary>Stops listening, as a node that went down; the data stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The next <paramref name="times"/> bulk items for document <paramref name="id"/> fail with <paramref name="status"/> (429, 400, 503…).</summary>
    public void FailBulkItem(string id, int status, int times = 1)
    {
        lock (_lock)
        {
            var queue = _itemFailures.TryGetValue(id, out var q) ? q : _itemFailures[id] = new Queue<int>();
            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(status);
            }
        }
    }

    /// <summary>The concrete indices, by name.</summary>
    public IReadOnlyList<string> IndexNames()
    {
        lock (_lock)
        {
            return _indices.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The indices an alias points at.</summary>
    public IReadOnlyList<string> AliasTargets(string alias)
    {
        lock (_lock)
        {
            return _aliases.TryGetValue(alias, out var targets) ? targets.Order(StringComparer.Ordinal).ToList() : [];
        }
    }

    /// <summary>A document's source by id in an index or alias, or null.</summary>
    public JsonObject? Document(string target, string id)
    {
        lock (_lock)
        {
            return Resolve(target)?.Select(i => i.Documents.TryGetValue(id, out var d) ? d.Source : null).FirstOrDefault(d => d is not null)?.DeepClone().AsObject();
        }
    }

    public long? Version(string target, string id)
    {
        lock (_lock)
        {
            return Resolve(target)?.Select(i => i.Documents.TryGetValue(id, out var d) ? d.Version : (long?)null).FirstOrDefault(v => v is not null);
        }
    }

    /// <summary>Stores a document directly, as if another writer had indexed it with this external version.</summary>
    public void Put(string target, string id, JsonObject source, long version)
    {
        lock (_lock)
        {
            var index = Resolve(target)?.Single() ?? throw new InvalidOperationException($"No index {target}.");
            index.Documents[id] = (source, version);
        }
    }

    private List<Index>? Resolve(string target)
    {
        if (_indices.TryGetValue(target, out var index))
        {
            return [index];
        }

        return _aliases.TryGetValue(target, out var names) ? names.Select(n => _indices[n]).ToList() : null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        try
        {
            if (FailEverythingWith is { } status)
            {
                await (status switch
                {
                    401 => SecurityErrorAsync(context, status, $"unable to authenticate user [marketplace] for REST request [{context.Request.Path}]"),
                    403 => SecurityErrorAsync(context, status, $"action [indices:data/read/search] is unauthorized for user [marketplace] with effective roles [] on indices [{context.Request.Path}]"),
                    _ => ErrorAsync(context, status, "master_not_discovered_exception", "the double was told to fail"),
                });
                return;
            }

            var path = context.Request.Path.Value!.Trim('/');
            var parts = path.Length == 0 ? [] : path.Split('/');
            var method = context.Request.Method;
            switch (parts)
            {
                case [] when method is "HEAD" or "GET":
                    await JsonAsync(context, 200, new JsonObject { ["name"] = "double", ["cluster_name"] = "test", ["version"] = new JsonObject { ["number"] = "9.1.0" }, ["tagline"] = "You Know, for Search" });
                    return;
                case ["_alias", var name] when method == "GET":
                    await GetAliasAsync(context, name);
                    return;
                case ["_aliases"] when method == "POST":
                    await UpdateAliasesAsync(context);
                    return;
                case ["_bulk"] or [_, "_bulk"] when method is "POST" or "PUT":
                    await BulkAsync(context, parts.Length == 2 ? parts[0] : null);
                    return;
                case [var target, "_search"] when method is "POST" or "GET":
                    await SearchAsync(context, target);
                    return;
                case [var target, "_refresh"] when method is "POST" or "GET":
                    await RefreshAsync(context, target);
                    return;
                case [var name] when method == "PUT" && !name.StartsWith('_'):
                    await CreateIndexAsync(context, name);
                    return;
                case [var name] when method == "DELETE" && !name.StartsWith('_'):
                    await DeleteIndexAsync(context, name);
                    return;
                default:
                    await ErrorAsync(context, 400, "illegal_argument_exception", $"no handler found for uri [{context.Request.Path}] and method [{method}] in the double");
                    return;
            }
        }
        catch (ParsingException e)
        {
            await ErrorAsync(context, 400, "parsing_exception", e.Message);
        }
        catch (BadSortException e)
        {
            await ErrorAsync(context, 400, "illegal_argument_exception", e.Message);
        }
        catch (JsonException e)
        {
            await ErrorAsync(context, 400, "x_content_parse_exception", e.Message);
        }
    }

    private async Task CreateIndexAsync(HttpContext context, string name)
    {
        var body = await BodyAsync(context) ?? [];
        Allow(body, "create index", "settings", "mappings", "aliases");
        lock (_lock)
        {
            if (_indices.ContainsKey(name))
            {
                goto exists;
            }

            if (_aliases.ContainsKey(name))
            {
                goto aliasName;
            }

            _indices[name] = new Index(name, body["mappings"]?.DeepClone().AsObject() ?? []);
        }

        await JsonAsync(context, 200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = name });
        return;
    exists:
        await ErrorAsync(context, 400, "resource_already_exists_exception", $"index [{name}/abc] already exists", name);
        return;
    aliasName:
        await ErrorAsync(context, 400, "invalid_index_name_exception", $"Invalid index name [{name}], already exists as alias", name);
    }

    private async Task DeleteIndexAsync(HttpContext context, string name)
    {
        bool found;
        lock (_lock)
        {
            found = _indices.Remove(name);
            foreach (var targets in _aliases.Values)
            {
                targets.Remove(name);
            }

            foreach (var empty in _aliases.Where(a => a.Value.Count == 0).Select(a => a.Key).ToList())
            {
                _aliases.Remove(empty);
            }
        }

        if (!found)
        {
            await IndexNotFoundAsync(context, name);
            return;
        }

        await JsonAsync(context, 200, new JsonObject { ["acknowledged"] = true });
    }

    private async Task RefreshAsync(HttpContext context, string target)
    {
        bool found;
        lock (_lock)
        {
            found = Resolve(target) is not null;
        }

        if (!found)
        {
            await IndexNotFoundAsync(context, target);
            return;
        }

        await JsonAsync(context, 200, new JsonObject { ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 } });
    }

    private async Task GetAliasAsync(HttpContext context, string name)
    {
        JsonObject? answer = null;
        lock (_lock)
        {
            if (_aliases.TryGetValue(name, out var targets))
            {
                answer = [];
                foreach (var index in targets.Order(StringComparer.Ordinal))
                {
                    answer[index] = new JsonObject { ["aliases"] = new JsonObject { [name] = new JsonObject() } };
                }
            }
        }

        if (answer is null)
        {
            // The real answer to a missing alias is this short form, not the usual error object.
            await JsonAsync(context, 404, new JsonObject { ["error"] = $"alias [{name}] missing", ["status"] = 404 });
            return;
        }

        await JsonAsync(context, 200, answer);
    }

    private async Task UpdateAliasesAsync(HttpContext context)
    {
        Interlocked.Increment(ref _aliasUpdates);
        var body = await BodyAsync(context) ?? throw new ParsingException("request body is required");
        Allow(body, "aliases", "actions");
        var actions = new List<(bool Add, string Index, string Alias)>();
        foreach (var action in body["actions"]?.AsArray() ?? throw new ParsingException("[aliases] requires [actions]"))
        {
            var item = action!.AsObject();
            if (item.Count != 1)
            {
                throw new ParsingException("an alias action has exactly one of [add, remove]");
            }

            var (kind, value) = item.First();
            if (kind is not ("add" or "remove"))
            {
                throw new ParsingException($"Unknown action [{kind}]");
            }

            var spec = value!.AsObject();
            Allow(spec, kind, "index", "alias");
            actions.Add((kind == "add", Text(spec["index"]), Text(spec["alias"])));
        }

        lock (_lock)
        {
            foreach (var (add, index, alias) in actions)
            {
                if (!_indices.ContainsKey(index))
                {
                    goto missingIndex;
                }

                if (!add && !(_aliases.TryGetValue(alias, out var targets) && targets.Contains(index)))
                {
                    goto missingAlias;
                }
            }
        }

        if (BeforeAliasesApplied is { } hook)
        {
            await hook();
        }

        lock (_lock)
        {
            foreach (var (add, index, alias) in actions)
            {
                var targets = _aliases.TryGetValue(alias, out var t) ? t : _aliases[alias] = new HashSet<string>(StringComparer.Ordinal);
                if (add)
                {
                    targets.Add(index);
                }
                else
                {
                    targets.Remove(index);
                }

                if (targets.Count == 0)
                {
                    _aliases.Remove(alias);
                }
            }
        }

        await JsonAsync(context, 200, new JsonObject { ["acknowledged"] = true });
        return;
    missingIndex:
        await IndexNotFoundAsync(context, actions.First(a => !IndexExists(a.Index)).Index);
        return;
    missingAlias:
        await ErrorAsync(context, 404, "aliases_not_found_exception", "aliases missing");
    }

    private bool IndexExists(string name)
    {
        lock (_lock)
        {
            return _indices.ContainsKey(name);
        }
    }

    private async Task BulkAsync(HttpContext context, string? pathTarget)
    {
        using var reader = BodyReader(context);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var requireAlias = context.Request.Query["require_alias"] == "true";
        var items = new JsonArray();
        var errors = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject();
            if (action.Count != 1)
            {
                throw new ParsingException("Malformed action/metadata line, expected one action");
            }

            var (kind, value) = action.First();
            if (kind is not ("index" or "delete"))
            {
                throw new ParsingException($"Malformed action/metadata line [{i + 1}], expected one of [create, delete, index, update] but found [{kind}] (the double knows index and delete)");
            }

            var meta = value!.AsObject();
            Allow(meta, kind, "_index", "_id", "version", "version_type", "require_alias");
            JsonObject? source = null;
            if (kind == "index")
            {
                source = JsonNode.Parse(lines[++i])!.AsObject();
            }

            Interlocked.Increment(ref _bulkItems);
            var result = BulkItem(kind, meta, source, meta["_index"]?.GetValue<string>() ?? pathTarget, requireAlias || meta["require_alias"]?.GetValue<bool>() == true);
            errors |= result["status"]!.GetValue<int>() >= 300 && !(kind == "delete" && result["status"]!.GetValue<int>() == 404);
            items.Add(new JsonObject { [kind] = result });
        }

        await JsonAsync(context, 200, new JsonObject { ["took"] = 1, ["errors"] = errors, ["items"] = items });
    }

    private JsonObject BulkItem(string kind, JsonObject meta, JsonObject? source, string? target, bool requireAlias)
    {
        var id = meta["_id"]?.GetValue<string>() ?? throw new ParsingException("the double needs an _id on every bulk item");
        var versionType = meta["version_type"]?.GetValue<string>();
        var version = meta["version"]?.GetValue<long>();
        if ((version is null) != (versionType is null) || versionType is not (null or "external"))
        {
            throw new ParsingException("the double knows version with version_type external only");
        }

        JsonObject Failure(int status, string type, string reason, string? index = null) => new()
        {
            ["_index"] = index ?? target, ["_id"] = id, ["status"] = status,
            ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason, ["index"] = index ?? target },
        };

        lock (_lock)
        {
            if (_itemFailures.TryGetValue(id, out var failures) && failures.TryDequeue(out var injected))
            {
                return injected switch
                {
                    429 => Failure(429, "es_rejected_execution_exception", "rejected execution of coordinating operation"),
                    >= 500 => Failure(injected, "unavailable_shards_exception", "primary shard is not active"),
                    _ => Failure(injected, "document_parsing_exception", "[1:42] failed to parse field [min_price] of type [scaled_float]"),
                };
            }

            if (target is null)
            {
                return Failure(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;");
            }

            if (requireAlias && !_aliases.ContainsKey(target))
            {
                return Failure(404, "index_not_found_exception", $"no such index [{target}] and [require_alias] request flag is [true] and [{target}] is not an alias");
            }

            var indices = Resolve(target);
            if (indices is { Count: > 1 })
            {
                return Failure(400, "illegal_argument_exception", $"no write index is defined for alias [{target}]");
            }

            if (indices is null)
            {
                // Elasticsearch creates a missing index on its first write, with dynamic mappings.
                _indices[target] = new Index(target, []);
                indices = [_indices[target]];
            }

            var index = indices[0];
            var current = index.Documents.TryGetValue(id, out var stored) ? stored.Version : index.Tombstones.TryGetValue(id, out var dead) ? dead : (long?)null;
            if (version is { } given && current is { } held && held >= given)
            {
                return Failure(409, "version_conflict_engine_exception", $"[{id}]: version conflict, current version [{held}] is higher or equal to the one provided [{given}]", index.Name);
            }

            var next = version ?? (current ?? 0) + 1;
            index.SeqNo++;
            JsonObject Ok(int status, string result) => new()
            {
                ["_index"] = index.Name, ["_id"] = id, ["_version"] = next, ["result"] = result, ["_seq_no"] = index.SeqNo, ["_primary_term"] = 1, ["status"] = status,
                ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
            };

            if (kind == "delete")
            {
                index.Tombstones[id] = next;
                return index.Documents.Remove(id) ? Ok(200, "deleted") : Ok(404, "not_found");
            }

            if (StrictViolation(index, source!) is { } field)
            {
                return Failure(400, "strict_dynamic_mapping_exception", $"[1:2] mapping set to strict, dynamic introduction of [{field}] within [_doc] is not allowed", index.Name);
            }

            if (NewDynamicFields(index, source!) is { Count: > 0 } added)
            {
                if (MappedFields(index.Mappings) + index.DynamicFields.Count + added.Count > TotalFieldsLimit)
                {
                    return Failure(400, "illegal_argument_exception", $"Limit of total fields [{TotalFieldsLimit}] has been exceeded while adding new fields [{added.Count}]", index.Name);
                }

                index.DynamicFields.UnionWith(added);
            }

            var created = !index.Documents.ContainsKey(id);
            index.Documents[id] = (source!, next);
            index.Tombstones.Remove(id);
            return created ? Ok(201, "created") : Ok(200, "updated");
        }
    }

    /// <summary><c>index.mapping.total_fields.limit</c> at its default: fields a mapping may hold, dynamic ones included.</summary>
    public const int TotalFieldsLimit = 1_000;

    /// <summary>Fields the explicit mapping defines, counted as Elasticsearch counts them: each property, object and multi-field.</summary>
    private static int MappedFields(JsonObject mapping) =>
        mapping["properties"] is JsonObject properties
            ? properties.Sum(p => 1 + (p.Value is JsonObject field ? MappedFields(field) + ((field["fields"] as JsonObject)?.Count ?? 0) : 0))
            : 0;

    /// <summary>
    /// The sub-fields of <paramref name="source"/>'s objects mapped with <c>dynamic: true</c> that the index has not mapped
    /// yet: Elasticsearch adds a field for each, and counts it against <see cref="TotalFieldsLimit"/>.
    /// </summary>
    private static List<string> NewDynamicFields(Index index, JsonObject source)
    {
        var properties = index.Mappings["properties"] as JsonObject;
        return source
            .Where(p => p.Value is JsonObject && properties?[p.Key] is JsonObject mapped && mapped["dynamic"]?.ToString() is "true" or "True")
            .SelectMany(p => p.Value!.AsObject().Select(sub => $"{p.Key}.{sub.Key}"))
            .Where(path => !index.DynamicFields.Contains(path))
            .Distinct()
            .ToList();
    }

    private static string? StrictViolation(Index index, JsonObject source)
    {
        if (index.Mappings["dynamic"]?.ToString() != "strict")
        {
            return null;
        }

        var properties = index.Mappings["properties"]?.AsObject();
        return source.Select(p => p.Key).FirstOrDefault(key => properties?.ContainsKey(key) != true);
    }

    private async Task SearchAsync(HttpContext context, string target)
    {
        Interlocked.Increment(ref _searches);
        var body = await BodyAsync(context) ?? [];
        Allow(body, "search", "query", "post_filter", "sort", "size", "from", "track_total_hits", "search_after", "aggregations", "aggs", "_source");
        List<(string Index, string Id, JsonObject Source)> documents;
        Dictionary<string, Dictionary<string, double>> scaled = [];
        lock (_lock)
        {
            var indices = Resolve(target);
            if (indices is null)
            {
                documents = [];
                goto notFound;
            }

            documents = indices.SelectMany(i => i.Documents.Select(d => (i.Name, d.Key, d.Value.Source))).ToList();
            scaled = indices.ToDictionary(i => i.Name, ScalingFactors, StringComparer.Ordinal);
        }

        var query = body["query"]?.AsObject() ?? new JsonObject { ["match_all"] = new JsonObject() };

        // Parsed whole before any document is looked at, so a malformed query fails even over an empty index.
        Evaluate(query, Empty);
        if (body["post_filter"] is JsonObject filter)
        {
            Evaluate(filter, Empty);
        }

        var matched = new List<Candidate>();
        foreach (var (index, id, source) in documents)
        {
            // Queries, sorts and aggregations read the doc values (scaled_float rounded as stored); hits show _source as sent.
            var values = DocValues(source, scaled[index]);
            if (Evaluate(query, values) is { } score)
            {
                matched.Add(new Candidate(index, id, values, score) { Stored = source });
            }
        }

        var postFilter = body["post_filter"]?.AsObject();
        var hits = postFilter is null ? matched : matched.Where(c => Evaluate(postFilter, c.Source) is not null).ToList();
        var sorts = Sorts(body["sort"]);
        var ordered = hits.Select(c => (Candidate: c, Keys: sorts.Select(s => SortValue(s, c)).ToList())).ToList();
        ordered.Sort((a, b) => CompareKeys(sorts, a.Keys, b.Keys));
        if (body["search_after"] is JsonArray after)
        {
            if (after.Count != sorts.Count)
            {
                throw new ParsingException($"search_after has {after.Count} value(s) but sort has {sorts.Count}.");
            }

            var position = after.Select((v, i) => AfterValue(sorts[i], v)).ToList();
            ordered = ordered.Where(o => CompareKeys(sorts, o.Keys, position) > 0).ToList();
        }

        var size = body["size"]?.GetValue<int>() ?? 10;
        var from = body["from"]?.GetValue<int>() ?? 0;
        var page = ordered.Skip(from).Take(size).ToList();
        var scored = sorts.Any(s => s.Field == "_score");
        var total = body["track_total_hits"] switch
        {
            null => new JsonObject { ["value"] = Math.Min(hits.Count, 10_000), ["relation"] = hits.Count > 10_000 ? "gte" : "eq" },
            JsonValue v when v.TryGetValue<bool>(out var track) => track
                ? new JsonObject { ["value"] = hits.Count, ["relation"] = "eq" }
                : null,
            JsonValue v when v.TryGetValue<int>(out var upTo) => new JsonObject { ["value"] = Math.Min(hits.Count, upTo), ["relation"] = hits.Count > upTo ? "gte" : "eq" },
            _ => throw new ParsingException("[track_total_hits] must be a boolean or a number"),
        };
        var typedKeys = context.Request.Query["typed_keys"] == "true";
        var response = new JsonObject
        {
            ["took"] = 1,
            ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = new JsonObject
            {
                ["total"] = total,
                ["max_score"] = scored && page.Count > 0 ? page.Max(p => p.Candidate.Score) : null,
                ["hits"] = new JsonArray(page.Select(p => (JsonNode)new JsonObject
                {
                    ["_index"] = p.Candidate.Index,
                    ["_id"] = p.Candidate.Id,
                    ["_score"] = scored ? p.Candidate.Score : null,
                    ["_source"] = p.Candidate.Stored.DeepClone(),
                    ["sort"] = new JsonArray(p.Keys.Select(k => k.Json()).ToArray()),
                }).ToArray()),
            },
        };
        if ((body["aggregations"] ?? body["aggs"]) is JsonObject aggregations)
        {
            response["aggregations"] = Aggregate(aggregations, matched, typedKeys);
        }

        await JsonAsync(context, 200, response);
        return;
    notFound:
        await IndexNotFoundAsync(context, target);
    }

    /// <param name="Source">The document as queries, sorts and aggregations see it (its doc values).</param>
    private sealed record Candidate(string Index, string Id, JsonObject Source, double Score)
    {
        /// <summary>The <c>_source</c> as indexed.</summary>
        public JsonObject Stored { get; init; } = Source;
    }

    /// <summary>The top-level <c>scaled_float</c> fields of an index's mapping, with their scaling factors.</summary>
    private static Dictionary<string, double> ScalingFactors(Index index) =>
        (index.Mappings["properties"]?.AsObject() ?? [])
            .Where(p => p.Value?["type"]?.ToString() == "scaled_float")
            .ToDictionary(p => p.Key, p => Number(p.Value!["scaling_factor"]) ?? throw new ParsingException($"[scaling_factor] is required for [{p.Key}]"), StringComparer.Ordinal);

    /// <summary>
    /// The source with each <c>scaled_float</c> value as Elasticsearch stores it: <c>Math.round(value * factor)</c>
    /// (Java's, half up), divided back; sort values, range filters and aggregations all see that, not the value sent.
    /// </summary>
    private static JsonObject DocValues(JsonObject source, Dictionary<string, double> factors)
    {
        if (!factors.Keys.Any(source.ContainsKey))
        {
            return source;
        }

        var values = source.DeepClone().AsObject();
        foreach (var (field, factor) in factors)
        {
            if (Number(values[field]) is { } number)
            {
                values[field] = Math.Floor((number * factor) + 0.5) / factor;
            }
        }

        return values;
    }

    /// <summary>A document with no fields, to parse a query against before any real one.</summary>
    private static readonly JsonObject Empty = [];

    // ---- queries -------------------------------------------------------------------------------------------------

    /// <summary>The score when <paramref name="query"/> matches <paramref name="source"/>, else null.</summary>
    private static double? Evaluate(JsonObject query, JsonObject source)
    {
        if (query.Count != 1)
        {
            throw new ParsingException($"[_na] query malformed, must start with one query name, found [{string.Join(", ", query.Select(p => p.Key))}]");
        }

        var (kind, node) = query.First();
        var body = node as JsonObject ?? throw new ParsingException($"[{kind}] query malformed, no start_object after query name");
        switch (kind)
        {
            case "match_all":
                Allow(body, kind, "boost");
                return Boost(body);
            case "bool":
                return Bool(body, source);
            case "term":
            {
                var (field, spec) = Single(body, kind);
                var value = spec is JsonObject o ? (Allow(o, kind, "value", "boost", "case_insensitive") ?? o["value"]) : spec;
                return Values(source, field).Any(v => SameValue(v, value)) ? Boost(spec as JsonObject) : null;
            }

            case "terms":
            {
                var field = body.Where(p => p.Key != "boost").Select(p => p.Key).SingleOrDefault() ?? throw new ParsingException("[terms] query requires a field");
                var wanted = body[field] as JsonArray ?? throw new ParsingException($"[terms] query does not support [{field}] that is not an array (terms lookup is not in the double)");
                return Values(source, field).Any(v => wanted.Any(w => SameValue(v, w))) ? Boost(body) : null;
            }

            case "range":
            {
                var (field, spec) = Single(body, kind);
                var range = spec as JsonObject ?? throw new ParsingException("[range] query malformed");
                Allow(range, kind, "gte", "gt", "lte", "lt", "boost");
                if (new[] { "gte", "gt", "lte", "lt" }.Select(b => range[b]).Any(b => b is JsonValue v && v.GetValueKind() == JsonValueKind.String && Number(v) is null))
                {
                    // Bounds that are not numbers: a keyword range (a keyword or flattened field), compared as the terms' bytes are.
                    var terms = Values(source, field).OfType<JsonValue>().Select(v => v.ToString()).ToList();
                    int Compare(string term, JsonNode bound) => string.CompareOrdinal(term, bound.ToString());
                    return terms.Any(t =>
                        (range["gte"] is not { } gte || Compare(t, gte) >= 0) && (range["gt"] is not { } gt || Compare(t, gt) > 0) &&
                        (range["lte"] is not { } lte || Compare(t, lte) <= 0) && (range["lt"] is not { } lt || Compare(t, lt) < 0))
                        ? Boost(range) : null;
                }

                var numbers = Values(source, field).Select(v => Number(v)).Where(n => n is not null).Select(n => n!.Value).ToList();
                return numbers.Any(n =>
                    (range["gte"] is not { } gte || n >= Number(gte)) && (range["gt"] is not { } gt || n > Number(gt)) &&
                    (range["lte"] is not { } lte || n <= Number(lte)) && (range["lt"] is not { } lt || n < Number(lt)))
                    ? Boost(range) : null;
            }

            case "prefix":
            {
                var (field, spec) = Single(body, kind);
                var value = spec is JsonObject o ? (Allow(o, kind, "value", "boost", "case_insensitive", "rewrite") ?? o["value"]) : spec;
                var prefix = Text(value);
                return Values(source, field).Any(v => v is JsonValue s && s.TryGetValue<string>(out var t) && t.StartsWith(prefix, StringComparison.Ordinal)) ? Boost(spec as JsonObject) : null;
            }

            case "exists":
                Allow(body, kind, "field", "boost");
                return Values(source, Text(body["field"])).Any(v => v is not null) ? Boost(body) : null;
            case "multi_match":
                return MultiMatch(body, source);
            case "function_score":
                return FunctionScore(body, source);
            default:
                throw new ParsingException($"unknown query [{kind}]");
        }
    }

    private static double Boost(JsonObject? spec) => spec?["boost"] is { } boost ? Number(boost)!.Value : 1;

    private static double? Bool(JsonObject body, JsonObject source)
    {
        Allow(body, "bool", "must", "filter", "should", "must_not", "minimum_should_match", "boost");
        static IEnumerable<JsonObject> Clauses(JsonNode? node) => node switch
        {
            null => [],
            JsonArray array => array.Select(n => n!.AsObject()),
            JsonObject single => [single],
            _ => throw new ParsingException("[bool] clauses must be an object or an array"),
        };

        var score = 0.0;
        foreach (var clause in Clauses(body["must"]))
        {
            if (Evaluate(clause, source) is not { } s)
            {
                return null;
            }

            score += s;
        }

        if (Clauses(body["filter"]).Any(clause => Evaluate(clause, source) is null) || Clauses(body["must_not"]).Any(clause => Evaluate(clause, source) is not null))
        {
            return null;
        }

        var should = Clauses(body["should"]).ToList();
        var positive = body["must"] is not null || body["filter"] is not null;
        var minimum = body["minimum_should_match"] is { } m ? (int)Number(m)!.Value : (should.Count > 0 && !positive ? 1 : 0);
        var matchedShould = 0;
        foreach (var clause in should)
        {
            if (Evaluate(clause, source) is { } s)
            {
                matchedShould++;
                score += s;
            }
        }

        return matchedShould < minimum ? null : score * Boost(body);
    }

    private static double? MultiMatch(JsonObject body, JsonObject source)
    {
        Allow(body, "multi_match", "query", "fields", "type", "fuzziness", "operator", "boost");
        var type = body["type"]?.GetValue<string>() ?? "best_fields";
        if (type is not ("best_fields" or "bool_prefix"))
        {
            throw new ParsingException($"[multi_match] query type [{type}] is not in the double");
        }

        var tokens = Analyze(Text(body["query"]));
        var fuzziness = body["fuzziness"]?.ToString();
        var and = body["operator"]?.ToString()?.ToLowerInvariant() == "and";
        if (type == "bool_prefix" && tokens.Count == 0)
        {
            return null;
        }

        double? best = null;
        foreach (var spec in body["fields"]?.AsArray() ?? throw new ParsingException("[multi_match] requires fields in the double"))
        {
            var parts = Text(spec).Split('^');
            var boost = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            var fieldTokens = Values(source, parts[0]).OfType<JsonValue>().Select(v => v.ToString()).SelectMany(Analyze).ToList();
            var score = 0.0;
            var hits = 0;
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                var prefix = type == "bool_prefix" && i == tokens.Count - 1;
                var edits = prefix ? 0 : AllowedEdits(fuzziness, token);
                var match = fieldTokens.Contains(token) ? 1.0
                    : prefix && fieldTokens.Any(t => t.StartsWith(token, StringComparison.Ordinal)) ? 0.8
                    : edits > 0 && fieldTokens.Any(t => Distance(t, token) <= edits) ? 0.5
                    : 0;
                if (match > 0)
                {
                    hits++;
                    score += match;
                }
            }

            if (hits > 0 && (!and || hits == tokens.Count))
            {
                best = Math.Max(best ?? 0, score * boost);
            }
        }

        return best * Boost(body);
    }

    private static int AllowedEdits(string? fuzziness, string token) => fuzziness switch
    {
        null or "0" => 0,
        "AUTO" => token.Length < 3 ? 0 : token.Length < 6 ? 1 : 2,
        "1" => 1,
        "2" => 2,
        _ => throw new ParsingException($"failed to parse [fuzziness] [{fuzziness}] in the double"),
    };

    /// <summary>Damerau-Levenshtein (optimal string alignment): transpositions count as one edit, as Lucene's default.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static double? FunctionScore(JsonObject body, JsonObject source)
    {
        Allow(body, "function_score", "query", "functions", "score_mode", "boost_mode", "boost");
        if (Evaluate(body["query"]?.AsObject() ?? new JsonObject { ["match_all"] = new JsonObject() }, source) is not { } score)
        {
            return null;
        }

        var scoreMode = body["score_mode"]?.ToString() ?? "multiply";
        var factors = new List<double>();
        foreach (var function in body["functions"]?.AsArray() ?? [])
        {
            var spec = function!.AsObject();
            Allow(spec, "function_score function", "field_value_factor", "linear", "filter", "weight");
            // A function whose filter the document does not match takes no part; one that matches none scores 1.
            if (spec["filter"] is JsonObject filter && Evaluate(filter, source) is null)
            {
                continue;
            }

            var weight = spec["weight"] is { } w ? Number(w)!.Value : 1;
            if (spec["field_value_factor"] is JsonObject factor)
            {
                factors.Add(weight * FieldValueFactor(factor, source));
            }
            else if (spec["linear"] is JsonObject linear)
            {
                factors.Add(weight * LinearDecay(linear, source));
            }
            else if (spec["weight"] is not null)
            {
                factors.Add(weight);
            }
            else
            {
                throw new ParsingException("the double knows field_value_factor, linear and weight functions only");
            }
        }

        var combined = factors.Count == 0 ? 1 : scoreMode switch
        {
            "multiply" => factors.Aggregate(1.0, (a, b) => a * b),
            "sum" => factors.Sum(),
            _ => throw new ParsingException($"the double does not know score_mode [{scoreMode}]"),
        };
        return (body["boost_mode"]?.ToString() ?? "multiply") switch
        {
            "multiply" => score * combined,
            "sum" => score + combined,
            "replace" => combined,
            var other => throw new ParsingException($"the double does not know boost_mode [{other}]"),
        };
    }

    private static double FieldValueFactor(JsonObject factor, JsonObject source)
    {
        Allow(factor, "field_value_factor", "field", "modifier", "missing", "factor");
        var value = Values(source, Text(factor["field"])).Select(v => Number(v)).FirstOrDefault() ?? (factor["missing"] is { } missing ? Number(missing) : null)
            ?? throw new ParsingException($"Missing value for field [{factor["field"]}]");
        value *= factor["factor"] is { } f ? Number(f)!.Value : 1;
        return (factor["modifier"]?.ToString() ?? "none") switch
        {
            "none" => value,
            "log1p" => Math.Log10(1 + value),
            "ln2p" => Math.Log(2 + value),
            "ln1p" => Math.Log(1 + value),
            var other => throw new ParsingException($"the double does not know modifier [{other}]"),
        };
    }

    /// <summary>
    /// A <c>linear</c> decay on a numeric field, as Elasticsearch computes it: with s = scale / (1 - decay) and the
    /// distance max(0, |value - origin| - offset), the score is max(0, (s - distance) / s); decay defaults to 0.5 and
    /// offset to 0. A document without the field scores 1.
    /// </summary>
    private static double LinearDecay(JsonObject linear, JsonObject source)
    {
        var fields = linear.Where(p => p.Key != "multi_value_mode").ToList();
        if (fields is not [{ Key: var field, Value: JsonObject placement }])
        {
            throw new ParsingException("[linear] needs exactly one field with its origin and scale");
        }

        Allow(placement, field, "origin", "scale", "offset", "decay");
        var origin = Number(placement["origin"]) ?? throw new ParsingException($"[{field}] needs a numeric origin");
        var scale = Number(placement["scale"]) ?? throw new ParsingException($"[{field}] needs a numeric scale");
        var offset = placement["offset"] is { } o ? Number(o)!.Value : 0;
        var decay = placement["decay"] is { } d ? Number(d)!.Value : 0.5;
        if (scale <= 0 || offset < 0 || decay is <= 0 or >= 1)
        {
            throw new ParsingException($"[{field}] needs a positive scale, an offset of 0 or more and a decay between 0 and 1");
        }

        if (Values(source, field).Select(v => Number(v)).FirstOrDefault() is not { } value)
        {
            return 1;
        }

        var s = scale / (1 - decay);
        return Math.Max(0, (s - Math.Max(0, Math.Abs(value - origin) - offset)) / s);
    }

    /// <summary>Tokens as the <c>folded</c> analyser makes them: letters and digits, lower case, accents folded.</summary>
    private static List<string> Analyze(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }

    /// <summary>A field's values in a source: dotted paths walk objects (flattened and object fields), arrays give each element; a <c>.keyword</c> sub-field reads its parent.</summary>
    private static List<JsonNode?> Values(JsonObject source, string field)
    {
        JsonNode? node = source;
        foreach (var part in field.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
            if (node is null)
            {
                break;
            }
        }

        if (node is null && field.EndsWith(".keyword", StringComparison.Ordinal))
        {
            return Values(source, field[..^".keyword".Length]);
        }

        return node switch
        {
            null => [],
            JsonArray array => array.ToList(),
            _ => [node],
        };
    }

    private static bool SameValue(JsonNode? stored, JsonNode? wanted)
    {
        if (stored is null || wanted is null)
        {
            return false;
        }

        if (Number(stored) is { } a && Number(wanted) is { } b)
        {
            return a == b;
        }

        return stored.ToString() == wanted.ToString();
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>()
        : node is JsonValue s && s.GetValueKind() == JsonValueKind.String && double.TryParse(s.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;

    // ---- sorting ---------------------------------------------------------------------------------------------------

    private sealed record SortSpec(string Field, bool Descending);

    /// <summary>A sort key: a number (numeric and date fields, <c>_score</c>) or a string (keywords); null sorts last.</summary>
    private sealed record Key(double? Number, long? Whole, string? Text)
    {
        public JsonValue? Json() => Whole is { } w ? JsonValue.Create(w) : Number is { } n ? JsonValue.Create(n) : Text is { } t ? JsonValue.Create(t) : null;

        public int CompareTo(Key other) =>
            Whole is { } a && other.Whole is { } b ? a.CompareTo(b)
            : Number is { } x && other.Number is { } y ? x.CompareTo(y)
            : string.CompareOrdinal(Text, other.Text);

        public bool IsMissing => Number is null && Whole is null && Text is null;
    }

    private static List<SortSpec> Sorts(JsonNode? sort)
    {
        var specs = new List<SortSpec>();
        foreach (var item in sort as JsonArray ?? (sort is null ? [] : throw new ParsingException("[sort] must be an array in the double")))
        {
            switch (item)
            {
                case JsonValue name:
                    specs.Add(new SortSpec(name.ToString(), name.ToString() == "_score"));
                    break;
                case JsonObject o when o.Count == 1:
                    var (field, spec) = o.First();
                    var order = spec switch
                    {
                        JsonValue v => v.ToString(),
                        JsonObject options => Allow(options, "sort", "order") is null ? options["order"]?.ToString() : null,
                        _ => null,
                    } ?? (field == "_score" ? "desc" : "asc");
                    if (order is not ("asc" or "desc"))
                    {
                        throw new ParsingException($"[sort] unknown order [{order}]");
                    }

                    specs.Add(new SortSpec(field, order == "desc"));
                    break;
                default:
                    throw new ParsingException("[sort] malformed");
            }
        }

        return specs.Count == 0 ? [new SortSpec("_score", true)] : specs;
    }

    private Key SortValue(SortSpec sort, Candidate candidate)
    {
        if (sort.Field == "_score")
        {
            return new Key(candidate.Score, null, null);
        }

        var type = FieldType(candidate.Index, sort.Field);
        var value = Values(candidate.Source, sort.Field).FirstOrDefault();
        return type switch
        {
            _ when value is null => new Key(null, null, null),
            "date_nanos" => new Key(null, (DateTimeOffset.Parse(value.ToString(), CultureInfo.InvariantCulture).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, null),
            "date" => new Key(null, DateTimeOffset.Parse(value.ToString(), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), null),
            "integer" or "long" => new Key(null, (long)Number(value)!.Value, null),
            "scaled_float" or "double" or "float" => new Key(Number(value), null, null),
            "keyword" => new Key(null, null, value.ToString()),
            _ => throw new BadSortException($"Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. [{sort.Field}] is [{type ?? "unmapped"}]"),
        };
    }

    private static Key AfterValue(SortSpec sort, JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new Key(null, null, v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && sort.Field != "_score" && v.TryGetValue<long>(out var whole) && !v.ToJsonString().Contains('.', StringComparison.Ordinal) => new Key(whole, whole, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => new Key(v.GetValue<double>(), null, null),
        _ => throw new ParsingException("[search_after] values must be strings or numbers"),
    };

    private static int CompareKeys(List<SortSpec> sorts, List<Key> a, List<Key> b)
    {
        for (var i = 0; i < sorts.Count; i++)
        {
            int order;
            if (a[i].IsMissing || b[i].IsMissing)
            {
                // Missing values sort last in either direction (Elasticsearch's default _last).
                order = a[i].IsMissing == b[i].IsMissing ? 0 : a[i].IsMissing ? 1 : -1;
            }
            else
            {
                var (x, y) = (a[i], b[i]);
                if (x.Whole is { } xw && y.Whole is null && y.Number is { } yn)
                {
                    x = new Key(xw, null, null);
                    y = new Key(yn, null, null);
                }
                else if (y.Whole is { } yw && x.Whole is null && x.Number is { } xn)
                {
                    x = new Key(xn, null, null);
                    y = new Key(yw, null, null);
                }

                order = x.CompareTo(y) * (sorts[i].Descending ? -1 : 1);
            }

            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private string? FieldType(string index, string field)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(index, out var state))
            {
                return null;
            }

            JsonNode? node = state.Mappings;
            var parts = field.Split('.');
            for (var i = 0; i < parts.Length; i++)
            {
                var properties = node?["properties"];
                var next = properties?[parts[i]] ?? node?["fields"]?[parts[i]];
                if (next is null && node?["type"]?.ToString() == "flattened")
                {
                    return "keyword";
                }

                if (next is null && node?["type"] is null && i > 0 && parts[0] == "attribute_numbers")
                {
                    return "double";
                }

                node = next;
            }

            return node?["type"]?.ToString() ?? (node is JsonObject o && o.ContainsKey("properties") ? "object" : null);
        }
    }

    // ---- aggregations ----------------------------------------------------------------------------------------------

    private JsonObject Aggregate(JsonObject aggregations, List<Candidate> documents, bool typedKeys)
    {
        var result = new JsonObject();
        foreach (var (name, node) in aggregations)
        {
            var spec = node!.AsObject();
            var kinds = spec.Where(p => p.Key is not ("aggregations" or "aggs" or "meta")).ToList();
            if (kinds.Count != 1)
            {
                throw new ParsingException($"Expected one aggregation type for [{name}], found [{string.Join(", ", kinds.Select(k => k.Key))}]");
            }

            var (kind, body) = kinds[0];
            var inner = (spec["aggregations"] ?? spec["aggs"]) as JsonObject;
            JsonObject answer;
            string prefix;
            switch (kind)
            {
                case "filter":
                {
                    Evaluate(body!.AsObject(), Empty);
                    var filtered = documents.Where(d => Evaluate(body!.AsObject(), d.Source) is not null).ToList();
                    answer = new JsonObject { ["doc_count"] = filtered.Count };
                    Merge(answer, inner, filtered, typedKeys);
                    prefix = "filter";
                    break;
                }

                case "terms":
                {
                    var terms = body!.AsObject();
                    Allow(terms, "terms", "field", "size");
                    var field = Text(terms["field"]);
                    var size = terms["size"]?.GetValue<int>() ?? 10;
                    var type = documents.Select(d => FieldType(d.Index, field)).FirstOrDefault(t => t is not null);
                    if (type is not (null or "keyword"))
                    {
                        throw new BadSortException($"the double counts terms of keyword fields only; [{field}] is [{type}]");
                    }

                    var groups = documents
                        .SelectMany(d => Values(d.Source, field).Where(v => v is not null).Select(v => v!.ToString()).Distinct(StringComparer.Ordinal).Select(v => (Value: v, Document: d)))
                        .GroupBy(x => x.Value, StringComparer.Ordinal)
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                        .ToList();
                    var buckets = new JsonArray();
                    foreach (var group in groups.Take(size))
                    {
                        var bucket = new JsonObject { ["key"] = group.Key, ["doc_count"] = group.Count() };
                        Merge(bucket, inner, group.Select(x => x.Document).ToList(), typedKeys);
                        buckets.Add(bucket);
                    }

                    answer = new JsonObject
                    {
                        ["doc_count_error_upper_bound"] = 0,
                        ["sum_other_doc_count"] = groups.Skip(size).Sum(g => g.Count()),
                        ["buckets"] = buckets,
                    };
                    prefix = "sterms";
                    break;
                }

                case "range":
                {
                    var range = body!.AsObject();
                    Allow(range, "range", "field", "ranges");
                    var field = Text(range["field"]);
                    var buckets = new JsonArray();
                    foreach (var r in range["ranges"]!.AsArray())
                    {
                        var bounds = r!.AsObject();
                        Allow(bounds, "range", "key", "from", "to");
                        var low = Number(bounds["from"]);
                        var high = Number(bounds["to"]);
                        var inside = documents.Where(d => Values(d.Source, field).Select(Number).Any(n => n is { } x && (low is null || x >= low) && (high is null || x < high))).ToList();
                        var bucket = new JsonObject
                        {
                            ["key"] = bounds["key"]?.ToString() ?? $"{(low is null ? "*" : low.Value.ToString("0.0", CultureInfo.InvariantCulture))}-{(high is null ? "*" : high.Value.ToString("0.0", CultureInfo.InvariantCulture))}",
                            ["doc_count"] = inside.Count,
                        };
                        if (low is not null)
                        {
                            bucket["from"] = low;
                        }

                        if (high is not null)
                        {
                            bucket["to"] = high;
                        }

                        Merge(bucket, inner, inside, typedKeys);
                        buckets.Add(bucket);
                    }

                    answer = new JsonObject { ["buckets"] = buckets };
                    prefix = "range";
                    break;
                }

                default:
                    throw new ParsingException($"Unknown aggregation type [{kind}] did you mean [filter]?");
            }

            result[typedKeys ? $"{prefix}#{name}" : name] = answer;
        }

        return result;
    }

    private void Merge(JsonObject into, JsonObject? inner, List<Candidate> documents, bool typedKeys)
    {
        if (inner is null)
        {
            return;
        }

        foreach (var (name, value) in Aggregate(inner, documents, typedKeys))
        {
            into[name] = value?.DeepClone();
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------------------

    /// <summary>Refuses keys the double does not know, as the real parser refuses keys it does not know; returns null to chain in expressions.</summary>
    private static JsonNode? Allow(JsonObject body, string what, params string[] keys)
    {
        foreach (var key in body.Select(p => p.Key))
        {
            if (!keys.Contains(key, StringComparer.Ordinal))
            {
                throw new ParsingException($"[{what}] query does not support [{key}]");
            }
        }

        return null;
    }

    private static (string Field, JsonNode? Spec) Single(JsonObject body, string kind)
    {
        if (body.Count != 1)
        {
            throw new ParsingException($"[{kind}] query doesn't support multiple fields, found [{string.Join(", ", body.Select(p => p.Key))}]");
        }

        var (field, spec) = body.First();
        return (field, spec);
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : throw new ParsingException($"expected a string, found [{node?.ToJsonString() ?? "null"}]");

    /// <summary>The request body, inflated when the client compressed it (the official client gzips by default, as Elasticsearch accepts).</summary>
    private static StreamReader BodyReader(HttpContext context) =>
        new(context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress)
            : context.Request.Body, Encoding.UTF8);

    private static async Task<JsonObject?> BodyAsync(HttpContext context)
    {
        using var reader = BodyReader(context);
        var text = await reader.ReadToEndAsync();
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text)!.AsObject();
    }

    private static Task IndexNotFoundAsync(HttpContext context, string index) =>
        ErrorAsync(context, 404, "index_not_found_exception", $"no such index [{index}]", index);

    private static Task SecurityErrorAsync(HttpContext context, int status, string reason)
    {
        if (status == 401)
        {
            context.Response.Headers.WWWAuthenticate = new[] { "Basic realm=\"security\", charset=\"UTF-8\"", "ApiKey" };
        }

        return ErrorAsync(context, status, "security_exception", reason);
    }

    private static Task ErrorAsync(HttpContext context, int status, string type, string reason, string? index = null)
    {
        var cause = new JsonObject { ["type"] = type, ["reason"] = reason };
        if (index is not null)
        {
            cause["index"] = index;
            cause["resource.type"] = "index_or_alias";
            cause["resource.id"] = index;
        }

        var error = cause.DeepClone().AsObject();
        error["root_cause"] = new JsonArray(cause);
        return JsonAsync(context, status, new JsonObject { ["error"] = error, ["status"] = status });
    }

    private static async Task JsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        // Elasticsearch answers in the media type the client accepts (the compatible-with one the official client asks for).
        var accept = context.Request.Headers.Accept.ToString();
        context.Response.ContentType = accept.Contains("vnd.elasticsearch+json", StringComparison.Ordinal) ? accept : "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>A request the real parser would refuse: answered 400 <c>parsing_exception</c>.</summary>
    private sealed class ParsingException(string message) : Exception(message);

    /// <summary>A sort or aggregation on a field that cannot be sorted or counted: the real server's 400 <c>illegal_argument_exception</c>, here as a parsing error.</summary>
    private sealed class BadSortException(string message) : Exception(message);
}
