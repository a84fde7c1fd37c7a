using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Notifications.Migrations
{
    /// <inheritdoc />
    public partial class OrderEventMarks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "awaits_version",
                schema: "notifications",
                table: "webhook_deliveries",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "order_event_marks",
                schema: "notifications",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    recorded_at_unix_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_event_marks", x => new { x.order_id, x.version });
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_event_marks_recorded_at_unix_ms",
                schema: "notifications",
                table: "order_event_marks",
                column: "recorded_at_unix_ms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_event_marks",
                schema: "notifications");

            migrationBuilder.DropColumn(
                name: "awaits_version",
                schema: "notifications",
                table: "webhook_deliveries");
        }
    }
}
