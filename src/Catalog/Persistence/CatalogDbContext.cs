using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Search;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Marketplace.Catalog.Persistence;

internal sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : ModuleDbContext(options, Schema)
{
    public new const string Schema = "catalog";

    public DbSet<Category> Categories => Set<Category>();

    public DbSet<AttributeDefinition> AttributeDefinitions => Set<AttributeDefinition>();

    public DbSet<Brand> Brands => Set<Brand>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Sku> Skus => Set<Sku>();

    public DbSet<Offer> Offers => Set<Offer>();

    public DbSet<SellerProfile> Sellers => Set<SellerProfile>();

    public DbSet<ProductLink> ProductLinks => Set<ProductLink>();

    public DbSet<Review> Reviews => Set<Review>();

    public DbSet<StockReservation> StockReservations => Set<StockReservation>();

    /// <summary>Sold units given back before the whole reservation is restocked, once per return id.</summary>
    public DbSet<StockReturn> StockReturns => Set<StockReturn>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        var json = IsPostgres ? "jsonb" : "TEXT";

        modelBuilder.Entity<Category>(category =>
        {
            category.ToTable("categories");
            category.Property(c => c.Name).HasMaxLength(200);
            category.Property(c => c.Slug).HasMaxLength(100);
            category.Property(c => c.Path).HasMaxLength(1000);
            category.HasIndex(c => c.Path).IsUnique();
            category.HasIndex(c => c.ParentId);
            category.HasMany(c => c.Attributes).WithOne().HasForeignKey(a => a.CategoryId);
        });
        modelBuilder.Entity<AttributeDefinition>(attribute =>
        {
            attribute.ToTable("attribute_definitions");
            attribute.Property(a => a.Code).HasMaxLength(64);
            attribute.Property(a => a.Name).HasMaxLength(200);
            attribute.Property(a => a.Unit).HasMaxLength(20);
            attribute.Property(a => a.Type).HasConversion<string>().HasMaxLength(20);
            attribute.HasIndex(a => new { a.CategoryId, a.Code }).IsUnique();
            JsonColumn(attribute.Property(a => a.AllowedValues), json);
        });
        modelBuilder.Entity<Brand>(brand =>
        {
            brand.ToTable("brands");
            brand.Property(b => b.Name).HasMaxLength(200);
            brand.Property(b => b.Slug).HasMaxLength(100);
            brand.HasIndex(b => b.Slug).IsUnique();
        });
        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products");
            // A fifth of each page left free, room for a row's next version (rows are about 1.3 kB): a listing-summary change that
            // leaves the indexed columns as they were (an offer count, stock, a currency) is then a HOT update, which writes
            // none of the row's 15 indexes.
            if (IsPostgres)
            {
                product.HasStorageParameter("fillfactor", 80);
            }

            product.Property(p => p.Title).HasMaxLength(500);
            product.Property(p => p.BrandName).HasMaxLength(200);
            product.Property(p => p.CategoryPath).HasMaxLength(1000);
            product.Property(p => p.Currency).HasMaxLength(3);
            product.Property(p => p.MinPrice).HasPrecision(18, 4);
            product.Property(p => p.Version).IsConcurrencyToken();
            JsonColumn(product.Property(p => p.Attributes), json);
            JsonColumn(product.Property(p => p.Images), json);
            product.HasMany(p => p.Skus).WithOne().HasForeignKey(s => s.ProductId);
            product.HasIndex(p => p.OwnerSellerId);
            product.HasIndex(p => p.BrandId);
            product.HasIndex(p => new { p.CategoryId, p.Id });
        });
        modelBuilder.Entity<Sku>(sku =>
        {
            sku.ToTable("skus");
            sku.Property(s => s.Code).HasMaxLength(64);
            sku.Property(s => s.Gtin).HasMaxLength(14);
            sku.HasIndex(s => s.Code).IsUnique();
            sku.HasIndex(s => s.Gtin).IsUnique().HasFilter(IsPostgres ? "gtin IS NOT NULL" : "\"gtin\" IS NOT NULL");
            sku.HasIndex(s => s.ProductId);
            JsonColumn(sku.Property(s => s.Attributes), json);
        });
        modelBuilder.Entity<Offer>(offer =>
        {
            offer.ToTable("offers");
            offer.Property(o => o.Price).HasPrecision(18, 4);
            offer.Property(o => o.Currency).HasMaxLength(3);
            offer.Property(o => o.Version).IsConcurrencyToken();
            offer.HasIndex(o => new { o.SellerId, o.SkuId }).IsUnique();
            offer.HasIndex(o => o.SkuId);
            offer.HasIndex(o => o.ProductId);
            offer.ToTable(t => t.HasCheckConstraint("ck_offers_price_stock", "price >= 0 AND stock >= 0"));
        });
        modelBuilder.Entity<SellerProfile>(seller =>
        {
            seller.ToTable("sellers");
            seller.Property(s => s.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<ProductLink>(link =>
        {
            link.ToTable("product_links");
            link.HasKey(l => new { l.ProductId, l.LinkedProductId, l.Kind });
            link.Property(l => l.Kind).HasConversion<string>().HasMaxLength(20);
        });
        modelBuilder.Entity<Review>(review =>
        {
            review.ToTable("reviews");
            review.Property(r => r.Text).HasMaxLength(5000);
            review.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            review.HasIndex(r => new { r.ProductId, r.CustomerId }).IsUnique();
            review.HasIndex(r => new { r.ProductId, r.CreatedAt });
            review.ToTable(t => t.HasCheckConstraint("ck_reviews_rating", "rating BETWEEN 1 AND 5"));
        });
        modelBuilder.Entity<StockReservation>(reservation =>
        {
            reservation.ToTable("stock_reservations");
            reservation.HasKey(r => new { r.ReservationId, r.OfferId });
            reservation.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
            reservation.Property(r => r.Reason).HasMaxLength(200);

            // The sweeper's scan: only held rows are ever looked up by expiry.
            reservation.HasIndex(r => r.ExpiresAt).HasFilter(IsPostgres ? "state = 'Held'" : "\"state\" = 'Held'");
            reservation.ToTable(t => t.HasCheckConstraint("ck_stock_reservations_quantity", "quantity > 0"));
            reservation.ToTable(t => t.HasCheckConstraint("ck_stock_reservations_returned", "returned_quantity >= 0 AND returned_quantity <= quantity"));
        });
        modelBuilder.Entity<StockReturn>(stockReturn =>
        {
            stockReturn.ToTable("stock_returns");

            // The caller's return id decides a repeat: its rows exist once.
            stockReturn.HasKey(r => new { r.ReturnId, r.OfferId });
            stockReturn.HasIndex(r => r.ReservationId);
            stockReturn.Property(r => r.Reason).HasMaxLength(200);
        });
        modelBuilder.ConfigureProductSearch(IsPostgres);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static void JsonColumn<T>(PropertyBuilder<T> property, string columnType)
        where T : class, new()
    {
        property
            .HasConversion(
                value => JsonSerializer.Serialize(value, JsonOptions),
                text => JsonSerializer.Deserialize<T>(text, JsonOptions) ?? new T(),
                new ValueComparer<T>(
                    (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                    value => JsonSerializer.Serialize(value, JsonOptions).GetHashCode(StringComparison.Ordinal),
                    value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonOptions), JsonOptions)!))
            .HasColumnType(columnType);
    }
}
