using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <summary>
    /// The trigram index on product titles served the typo fallback until corrections moved to the dictionary of catalog
    /// words (<c>catalog.search_words</c>); no query has read it since, and every product row written (each listing-summary
    /// change that is not a HOT update) still added a title's trigrams to it.
    /// </summary>
    public partial class DropProductsTitleTrigram : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_products_title",
                schema: "catalog",
                table: "products");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_products_title",
                schema: "catalog",
                table: "products",
                column: "title")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
