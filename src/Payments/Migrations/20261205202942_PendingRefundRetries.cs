using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class PendingRefundRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "retry_claimed_until",
                schema: "payments",
                table: "refunds",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_pending_created",
                schema: "payments",
                table: "refunds",
                column: "created_at",
                filter: "status = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_refunds_pending_created",
                schema: "payments",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "retry_claimed_until",
                schema: "payments",
                table: "refunds");
        }
    }
}
