using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StockReturns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "returned_quantity",
                schema: "catalog",
                table: "stock_reservations",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "stock_returns",
                schema: "catalog",
                columns: table => new
                {
                    return_id = table.Column<Guid>(type: "uuid", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reservation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_returns", x => new { x.return_id, x.offer_id });
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_stock_reservations_returned",
                schema: "catalog",
                table: "stock_reservations",
                sql: "returned_quantity >= 0 AND returned_quantity <= quantity");

            migrationBuilder.CreateIndex(
                name: "ix_stock_returns_reservation_id",
                schema: "catalog",
                table: "stock_returns",
                column: "reservation_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "stock_returns",
                schema: "catalog");

            migrationBuilder.DropCheckConstraint(
                name: "ck_stock_reservations_returned",
                schema: "catalog",
                table: "stock_reservations");

            migrationBuilder.DropColumn(
                name: "returned_quantity",
                schema: "catalog",
                table: "stock_reservations");
        }
    }
}
