import { NavLink } from 'react-router';

export function AdminNav() {
  return (
    <nav aria-label="Admin" className="subnav">
      <NavLink to="/admin/products" end>
        Products
      </NavLink>
      <NavLink to="/admin/orders">Orders</NavLink>
    </nav>
  );
}
