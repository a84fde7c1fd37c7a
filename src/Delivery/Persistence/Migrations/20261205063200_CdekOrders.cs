using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Delivery.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CdekOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cdek_orders",
                schema: "delivery",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    service_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    request = table.Column<string>(type: "text", nullable: false),
                    parcels = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cdek_uuid = table.Column<Guid>(type: "uuid", nullable: true),
                    cdek_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    label_url = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdek_orders", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cdek_orders_cdek_number",
                schema: "delivery",
                table: "cdek_orders",
                column: "cdek_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cdek_orders_order_reference_seller_id",
                schema: "delivery",
                table: "cdek_orders",
                columns: new[] { "order_reference", "seller_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cdek_orders",
                schema: "delivery");
        }
    }
}
