using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    public partial class CheckoutRunners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "runner_id",
                schema: "ordering",
                table: "idempotency_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "checkout_runners",
                schema: "ordering",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_checkout_runners", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checkout_runners",
                schema: "ordering");

            migrationBuilder.DropColumn(
                name: "runner_id",
                schema: "ordering",
                table: "idempotency_keys");
        }
    }
}
