using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <summary>
    /// Leaves a fifth of each products page free, so a listing-summary change that keeps the indexed columns is a HOT
    /// update. It shapes pages as they are written; an existing table takes it as rows move, or at once through a rewrite
    /// (<c>VACUUM FULL</c>, or <c>pg_repack</c> online).
    /// </summary>
    public partial class ProductsFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "products",
                schema: "catalog")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "products",
                schema: "catalog")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);
        }
    }
}
