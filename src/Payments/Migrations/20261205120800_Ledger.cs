using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    internal partial class Ledger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "capture_claimed_until",
                schema: "payments",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "capture_decided_at",
                schema: "payments",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "captured_amount",
                schema: "payments",
                table: "payments",
                type: "numeric",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "escrow_orders",
                schema: "payments",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    total_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    in_capture = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_escrow_orders", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_transactions",
                schema: "payments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_transactions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                schema: "payments",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    transaction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    account_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: true),
                    order_id = table.Column<Guid>(type: "uuid", nullable: true),
                    order_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.sequence);
                    table.ForeignKey(
                        name: "fk_ledger_entries_ledger_transactions_transaction_id",
                        column: x => x.transaction_id,
                        principalSchema: "payments",
                        principalTable: "ledger_transactions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payments_status_capture_before",
                schema: "payments",
                table: "payments",
                columns: new[] { "status", "capture_before" });

            migrationBuilder.CreateIndex(
                name: "ix_escrow_orders_order_group_id",
                schema: "payments",
                table: "escrow_orders",
                column: "order_group_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_currency",
                schema: "payments",
                table: "ledger_entries",
                columns: new[] { "account", "currency" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_seller_id_sequence",
                schema: "payments",
                table: "ledger_entries",
                columns: new[] { "seller_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_transaction_id",
                schema: "payments",
                table: "ledger_entries",
                column: "transaction_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_key",
                schema: "payments",
                table: "ledger_transactions",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_payment_id",
                schema: "payments",
                table: "ledger_transactions",
                column: "payment_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "escrow_orders",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "ledger_entries",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "ledger_transactions",
                schema: "payments");

            migrationBuilder.DropIndex(
                name: "ix_payments_status_capture_before",
                schema: "payments",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "capture_claimed_until",
                schema: "payments",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "capture_decided_at",
                schema: "payments",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "captured_amount",
                schema: "payments",
                table: "payments");
        }
    }
}
