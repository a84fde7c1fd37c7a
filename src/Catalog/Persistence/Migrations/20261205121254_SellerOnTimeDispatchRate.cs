using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SellerOnTimeDispatchRate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "on_time_dispatch_rate",
                schema: "catalog",
                table: "sellers",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "performance_computed_at",
                schema: "catalog",
                table: "sellers",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "on_time_dispatch_rate",
                schema: "catalog",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "performance_computed_at",
                schema: "catalog",
                table: "sellers");
        }
    }
}
