using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <summary>
    /// Popularity scores become base-2 logarithms (see <c>PopularityScore</c>). The old scores were sums of signals
    /// scaled by 2^(half-lives since 2025-01-01); by late 2026 they passed 2^96, beyond what a decimal paging cursor
    /// holds exactly, so popularity-sorted pages skipped and repeated products. log2(1 + old) is the same order and
    /// the same meaning in the new scale.
    /// </summary>
    public partial class PopularityLog2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE catalog.products SET popularity = CASE WHEN popularity > 0 THEN ln(1 + popularity) / ln(2::float8) ELSE 0 END WHERE popularity <> 0;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE catalog.products SET popularity = power(2::float8, popularity) - 1 WHERE popularity <> 0;");
        }
    }
}
