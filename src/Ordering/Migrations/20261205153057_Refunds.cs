using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    public partial class Refunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "refunded_amount",
                schema: "ordering",
                table: "seller_orders",
                type: "numeric",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<int>(
                name: "refunded_quantity",
                schema: "ordering",
                table: "order_lines",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "order_refunds",
                schema: "ordering",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    restocked = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_refunds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_refund_lines",
                schema: "ordering",
                columns: table => new
                {
                    refund_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    amount = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_refund_lines", x => new { x.refund_id, x.line_id });
                    table.ForeignKey(
                        name: "fk_order_refund_lines_order_refunds_refund_id",
                        column: x => x.refund_id,
                        principalSchema: "ordering",
                        principalTable: "order_refunds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_idempotency_key_id",
                schema: "ordering",
                table: "order_refunds",
                column: "idempotency_key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_order_id_created_at",
                schema: "ordering",
                table: "order_refunds",
                columns: new[] { "order_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_refund_lines",
                schema: "ordering");

            migrationBuilder.DropTable(
                name: "order_refunds",
                schema: "ordering");

            migrationBuilder.DropColumn(
                name: "refunded_amount",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "refunded_quantity",
                schema: "ordering",
                table: "order_lines");
        }
    }
}
