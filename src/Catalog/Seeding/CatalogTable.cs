using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Catalog.Seeding;

/// <summary>
/// One table of the catalog as the bulk loaders see it, read from the EF Core model: table and column names,
/// and each column's value exactly as EF Core would store it (JSON, enums as text, and on SQLite decimals as REAL
/// and timestamps as integers). Taking it from the model means a new column cannot be silently left out of a seed.
/// </summary>
internal sealed class CatalogTable<T>
    where T : class
{
    private readonly Action<NpgsqlBinaryImporter, T>[] _postgresWriters;
    private readonly Func<T, object?>[] _providerValues;

    public CatalogTable(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        Name = entity.GetTableName()!;
        Schema = entity.GetSchema();
        var properties = entity.GetProperties().Where(p => p.PropertyInfo is not null).ToArray();
        Columns = [.. properties.Select(p => p.GetColumnName())];
        _postgresWriters = [.. properties.Select(PostgresWriter)];
        _providerValues = [.. properties.Select(ProviderValue)];
    }

    public string Name { get; }

    public string? Schema { get; }

    public IReadOnlyList<string> Columns { get; }

    public string QualifiedName => Schema is null ? Quote(Name) : $"{Quote(Schema)}.{Quote(Name)}";

    public string ColumnList => string.Join(", ", Columns.Select(Quote));

    public string CopyCommand => $"COPY {QualifiedName} ({ColumnList}) FROM STDIN (FORMAT BINARY)";

    public void Write(NpgsqlBinaryImporter importer, T row)
    {
        importer.StartRow();
        foreach (var write in _postgresWriters)
        {
            write(importer, row);
        }
    }

    public object? ProviderValue(int column, T row) => _providerValues[column](row);

    private static string Quote(string identifier) => $"\"{identifier}\"";

    /// <summary>Compiles <c>importer.Write&lt;TProvider&gt;(convert(row.Property))</c>, with nulls written as nulls.</summary>
    private static Action<NpgsqlBinaryImporter, T> PostgresWriter(IProperty property)
    {
        var importer = Expression.Parameter(typeof(NpgsqlBinaryImporter), "importer");
        var row = Expression.Parameter(typeof(T), "row");
        Expression value = Expression.Property(row, property.PropertyInfo!);
        var underlying = Nullable.GetUnderlyingType(value.Type);
        Expression? isNull = underlying is not null
            ? Expression.Not(Expression.Property(value, nameof(Nullable<int>.HasValue)))
            : value.Type.IsValueType ? null : Expression.Equal(value, Expression.Constant(null, value.Type));
        var present = underlying is not null ? Expression.Property(value, nameof(Nullable<int>.Value)) : value;
        var converter = property.GetTypeMapping().Converter;
        if (converter is not null)
        {
            var convert = converter.ConvertToProviderExpression;
            present = Expression.Invoke(convert, Expression.Convert(present, convert.Parameters[0].Type));
        }

        var write = property.GetColumnType() == "jsonb"
            ? Expression.Call(importer, nameof(NpgsqlBinaryImporter.Write), [present.Type], present, Expression.Constant(NpgsqlDbType.Jsonb))
            : Expression.Call(importer, nameof(NpgsqlBinaryImporter.Write), [present.Type], present);
        Expression body = isNull is null
            ? write
            : Expression.IfThenElse(isNull, Expression.Call(importer, nameof(NpgsqlBinaryImporter.WriteNull), Type.EmptyTypes), write);
        return Expression.Lambda<Action<NpgsqlBinaryImporter, T>>(body, importer, row).Compile();
    }

    private static Func<T, object?> ProviderValue(IProperty property)
    {
        var getter = property.GetGetter();
        var converter = property.GetTypeMapping().Converter;
        return row =>
        {
            var value = getter.GetClrValue(row);
            return value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
        };
    }
}
